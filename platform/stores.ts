// Opens the stores the configuration names: the Secret store, the next-keys store (private keys
// prepared for the next issuance) and the HTTP-01 token store. Workers and the API both call it.
import path from 'node:path';
import pg from 'pg';
import type { Config } from './config.ts';
import { Http01Store, type Http01TokenStore } from './http01-store.ts';
import { PgChangeFeed } from './pg-change-feed.ts';
import { PostgresHttp01Store } from './pg-http01-store.ts';
import { migrate } from './pg-migrations.ts';
import { PostgresSecretStore } from './pg-secret-store.ts';
import { SecretCipher } from './secret-cipher.ts';
import { FileSecretStore, type SecretStore } from './secret-store.ts';

export interface Stores {
  secrets: SecretStore;
  nextKeys: SecretStore;
  http01: Http01TokenStore;
  close(): Promise<void>;
}

export async function openStores(config: Pick<Config, 'dataDir' | 'stores'>, onError: (err: Error) => void = () => {}): Promise<Stores> {
  const s = config.stores;
  if (s.kind === 'file') {
    return {
      secrets: new FileSecretStore(path.join(config.dataDir, 'secrets')),
      nextKeys: new FileSecretStore(path.join(config.dataDir, 'next-keys')),
      http01: new Http01Store(config.dataDir),
      close: async () => {},
    };
  }
  const pool = new pg.Pool({ connectionString: s.databaseUrl, max: 10 });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', onError);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot prepare the database at DATABASE_URL: ${(err as Error).message}`);
  }
  const cipher = new SecretCipher(s.encryptionKey, s.oldEncryptionKeys);
  const feed = new PgChangeFeed(s.databaseUrl, onError);
  return {
    secrets: new PostgresSecretStore(pool, cipher, feed, 'secrets'),
    nextKeys: new PostgresSecretStore(pool, cipher, feed, 'next-keys'),
    http01: new PostgresHttp01Store(pool),
    async close() {
      await feed.close();
      await pool.end();
    },
  };
}
