// The database schema, applied at start by every process. Migrations run under a transaction-level
// advisory lock, so processes starting together apply each one exactly once; applied ones are
// recorded in schema_migrations. Append new migrations; never edit an applied one.
import type pg from 'pg';

const MIGRATIONS: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE secret_objects (
        store text NOT NULL,
        namespace text NOT NULL,
        name text NOT NULL,
        meta text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store, namespace, name)
      );
      CREATE TABLE secret_values (
        store text NOT NULL,
        namespace text NOT NULL,
        name text NOT NULL,
        key text NOT NULL,
        key_id text NOT NULL,
        nonce bytea NOT NULL,
        ciphertext bytea NOT NULL,
        PRIMARY KEY (store, namespace, name, key),
        FOREIGN KEY (store, namespace, name) REFERENCES secret_objects ON DELETE CASCADE
      );
      CREATE INDEX secret_values_key_id ON secret_values (key_id);
      CREATE TABLE secret_owners (
        store text NOT NULL,
        namespace text NOT NULL,
        name text NOT NULL,
        owner text NOT NULL,
        PRIMARY KEY (store, namespace, name)
      );
      CREATE INDEX secret_owners_by_owner ON secret_owners (store, namespace, owner);
      CREATE TABLE http01_tokens (
        token text PRIMARY KEY,
        key_authorization text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

// Any constant shared by every process of this service.
const LOCK_KEY = 0x63_65_72_74; // "cert"

/** Applies the migrations this database lacks; safe to call from many processes at once. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
