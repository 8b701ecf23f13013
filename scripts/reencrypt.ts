// `npm run reencrypt`: after a key rotation (new SECRET_ENCRYPTION_KEY, the old one moved to
// SECRET_ENCRYPTION_OLD_KEYS), rewrites every value with the new key; then the old key can go.
import pg from 'pg';
import { loadConfig } from '../platform/config.ts';
import { migrate } from '../platform/pg-migrations.ts';
import { reencryptAll } from '../platform/pg-reencrypt.ts';
import { SecretCipher } from '../platform/secret-cipher.ts';

async function main(): Promise<void> {
  const { stores } = loadConfig();
  if (stores.kind !== 'postgres') throw new Error('SECRET_STORE is not postgres: files are not encrypted by this service, nothing to re-encrypt');
  const pool = new pg.Pool({ connectionString: stores.databaseUrl, max: 2 });
  try {
    await migrate(pool);
    const cipher = new SecretCipher(stores.encryptionKey, stores.oldEncryptionKeys);
    const count = await reencryptAll(pool, cipher);
    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM secret_values WHERE key_id <> $1', [cipher.currentKeyId]);
    console.log(`re-encrypted ${count} value(s) with key ${cipher.currentKeyId}; ${left.rows[0]!.n} value(s) left on other keys`);
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
