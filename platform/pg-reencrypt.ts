// Rewrites every stored value not yet encrypted with the current key, in batches of short
// transactions (rows being rewritten are skipped by concurrent runs, and writers are not held up
// for long). Idempotent: a second run finds nothing to do.
import type pg from 'pg';
import { valuePlace, type SecretCipher } from './secret-cipher.ts';

export async function reencryptAll(pool: pg.Pool, cipher: SecretCipher, batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const client = await pool.connect();
    let done: number;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ store: string; namespace: string; name: string; key: string; key_id: string; nonce: Buffer; ciphertext: Buffer }>(
        `SELECT store, namespace, name, key, key_id, nonce, ciphertext FROM secret_values
         WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [cipher.currentKeyId, batchSize],
      );
      for (const r of rows) {
        const place = valuePlace(r.store, r.namespace, r.name, r.key);
        const sealed = cipher.seal(cipher.open({ keyId: r.key_id, nonce: r.nonce, ciphertext: r.ciphertext }, place), place);
        await client.query('UPDATE secret_values SET key_id = $5, nonce = $6, ciphertext = $7 WHERE store = $1 AND namespace = $2 AND name = $3 AND key = $4', [
          r.store,
          r.namespace,
          r.name,
          r.key,
          sealed.keyId,
          sealed.nonce,
          sealed.ciphertext,
        ]);
      }
      await client.query('COMMIT');
      done = rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    total += done;
    if (done < batchSize) return total;
  }
}
