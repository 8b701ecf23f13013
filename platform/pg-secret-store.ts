// The secret store in PostgreSQL, for workers and API replicas on several machines. Same contract
// as FileSecretStore: a Secret's keys switch together (one transaction), of concurrent claimants
// exactly one wins (primary key), and every change is announced with NOTIFY in its transaction.
// Every value is encrypted (secret-cipher.ts); names, metadata and owners are not.
// `store` separates Secret sets sharing the tables ("secrets", "next-keys").
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { notifyChange, type PgChangeFeed } from './pg-change-feed.ts';
import { valuePlace, type SecretCipher } from './secret-cipher.ts';
import {
  checkKey,
  checkSegment,
  defaultMeta,
  SecretOwnedError,
  type ClaimResult,
  type SecretData,
  type SecretMeta,
  type SecretChangeHandler,
  type SecretRef,
  type SecretStore,
  type StoreWatchOptions,
  type WriteOptions,
  type WriteResult,
} from './secret-store.ts';

interface ValueRow {
  key: string;
  key_id: string;
  nonce: Buffer;
  ciphertext: Buffer;
}

export class PostgresSecretStore implements SecretStore {
  /** Names this instance's writes in their NOTIFY, so its own watcher can ignore them. */
  readonly writer = randomUUID();

  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: SecretCipher,
    private readonly feed: PgChangeFeed,
    readonly store = 'secrets',
  ) {}

  async read(namespace: string, name: string): Promise<{ data: SecretData; meta: SecretMeta } | undefined> {
    checkSegment(namespace);
    checkSegment(name);
    const current = await this.current(this.pool, namespace, name);
    return current && { data: current.data, meta: current.meta ?? defaultMeta(current.data) };
  }

  async readKey(namespace: string, name: string, key: string): Promise<Buffer | undefined> {
    checkSegment(namespace);
    checkSegment(name);
    checkKey(key);
    const { rows } = await this.pool.query<ValueRow>('SELECT key, key_id, nonce, ciphertext FROM secret_values WHERE store = $1 AND namespace = $2 AND name = $3 AND key = $4', [
      this.store,
      namespace,
      name,
      key,
    ]);
    return rows[0] && this.open(namespace, name, rows[0]);
  }

  async write(namespace: string, name: string, data: SecretData, meta?: SecretMeta, opts: WriteOptions = {}): Promise<WriteResult> {
    checkSegment(namespace);
    checkSegment(name);
    Object.keys(data).forEach(checkKey);
    return this.tx(async (client) => {
      if (opts.owner) {
        const claim = await this.claimIn(client, namespace, name, opts.owner);
        if (!claim.ok) throw new SecretOwnedError(namespace, name, claim.owner, opts.owner);
      }
      // Writers of one Secret take turns, so "created/configured/unchanged" is exact.
      await this.lockSecret(client, namespace, name);
      const before = await this.current(client, namespace, name);
      const same =
        before !== undefined &&
        Object.entries(data).every(([k, v]) => before.data[k]?.equals(v)) &&
        (!opts.replace || Object.keys(before.data).every((k) => k in data)) &&
        (meta === undefined || JSON.stringify(before.meta ?? defaultMeta(before.data)) === JSON.stringify(meta));
      if (same) return 'unchanged';
      const keepMeta = meta ?? before?.meta;
      await client.query(
        `INSERT INTO secret_objects (store, namespace, name, meta) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store, namespace, name) DO UPDATE SET meta = EXCLUDED.meta, updated_at = now()`,
        [this.store, namespace, name, keepMeta === undefined ? null : JSON.stringify(keepMeta)],
      );
      if (opts.replace && before) {
        await client.query('DELETE FROM secret_values WHERE store = $1 AND namespace = $2 AND name = $3 AND NOT (key = ANY($4))', [this.store, namespace, name, Object.keys(data)]);
      }
      for (const [key, value] of Object.entries(data)) {
        if (before?.data[key]?.equals(value)) continue;
        const sealed = this.cipher.seal(value, valuePlace(this.store, namespace, name, key));
        await client.query(
          `INSERT INTO secret_values (store, namespace, name, key, key_id, nonce, ciphertext) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (store, namespace, name, key) DO UPDATE SET key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext`,
          [this.store, namespace, name, key, sealed.keyId, sealed.nonce, sealed.ciphertext],
        );
      }
      await notifyChange(client, { store: this.store, namespace, name, writer: this.writer, ...(opts.owner && { as: opts.owner }) });
      return before ? 'configured' : 'created';
    });
  }

  async remove(namespace: string, name: string): Promise<boolean> {
    checkSegment(namespace);
    checkSegment(name);
    return this.tx(async (client) => {
      const args = [this.store, namespace, name];
      // Same lock order as an owned write (owner row, then the Secret's lock, then its rows).
      const unowned = await client.query('DELETE FROM secret_owners WHERE store = $1 AND namespace = $2 AND name = $3', args);
      await this.lockSecret(client, namespace, name);
      const removed = await client.query('DELETE FROM secret_objects WHERE store = $1 AND namespace = $2 AND name = $3', args);
      if ((removed.rowCount ?? 0) + (unowned.rowCount ?? 0) > 0) await notifyChange(client, { store: this.store, namespace, name });
      return (removed.rowCount ?? 0) > 0;
    });
  }

  async owner(namespace: string, name: string): Promise<string | undefined> {
    checkSegment(namespace);
    checkSegment(name);
    const { rows } = await this.pool.query<{ owner: string }>('SELECT owner FROM secret_owners WHERE store = $1 AND namespace = $2 AND name = $3', [this.store, namespace, name]);
    return rows[0]?.owner;
  }

  async claim(namespace: string, name: string, owner: string): Promise<ClaimResult> {
    checkSegment(namespace);
    checkSegment(name);
    return this.tx((client) => this.claimIn(client, namespace, name, owner));
  }

  async release(namespace: string, name: string, owner: string): Promise<boolean> {
    checkSegment(namespace);
    checkSegment(name);
    return this.tx(async (client) => {
      const { rowCount } = await client.query('DELETE FROM secret_owners WHERE store = $1 AND namespace = $2 AND name = $3 AND owner = $4', [this.store, namespace, name, owner]);
      if (!rowCount) return false;
      await notifyChange(client, { store: this.store, namespace, name });
      return true;
    });
  }

  async owners(namespace: string): Promise<Map<string, string>> {
    checkSegment(namespace);
    const { rows } = await this.pool.query<{ name: string; owner: string }>('SELECT name, owner FROM secret_owners WHERE store = $1 AND namespace = $2', [this.store, namespace]);
    return new Map(rows.map((r) => [r.name, r.owner]));
  }

  async list(namespace?: string): Promise<SecretRef[]> {
    if (namespace !== undefined) checkSegment(namespace);
    const { rows } = await this.pool.query<SecretRef>(
      `SELECT namespace, name FROM secret_objects WHERE store = $1 AND ($2::text IS NULL OR namespace = $2) ORDER BY namespace COLLATE "C", name COLLATE "C"`,
      [this.store, namespace ?? null],
    );
    return rows.map((r) => ({ namespace: r.namespace, name: r.name }));
  }

  watch(onChange: SecretChangeHandler, opts: StoreWatchOptions = {}): () => void {
    return this.watchReady(onChange, opts).unsubscribe;
  }

  /** watch(), plus a promise that resolves once LISTEN is in place (changes after it are seen). */
  watchReady(onChange: SecretChangeHandler, opts: StoreWatchOptions = {}): { ready: Promise<void>; unsubscribe: () => void } {
    return this.feed.subscribe((change) => {
      // What this instance wrote itself is no news to it (the worker's own issuance would
      // otherwise wake the Certificate that just wrote its Secret), unless it serves others.
      if (change.store === this.store && (opts.includeOwnWrites || change.writer !== this.writer))
        onChange(change.namespace, change.name, change.as ? { madeAs: change.as } : undefined);
    });
  }

  private async claimIn(client: pg.PoolClient, namespace: string, name: string, owner: string): Promise<ClaimResult> {
    const inserted = await client.query('INSERT INTO secret_owners (store, namespace, name, owner) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      this.store,
      namespace,
      name,
      owner,
    ]);
    if (inserted.rowCount) {
      await notifyChange(client, { store: this.store, namespace, name, writer: this.writer, as: owner });
      return { ok: true, created: true };
    }
    // The insert waited for any concurrent claimant to commit, so the holder is visible now.
    const { rows } = await client.query<{ owner: string }>('SELECT owner FROM secret_owners WHERE store = $1 AND namespace = $2 AND name = $3 FOR SHARE', [
      this.store,
      namespace,
      name,
    ]);
    const held = rows[0]?.owner;
    if (held === undefined) throw new ClaimRaced();
    return held === owner ? { ok: true, created: false } : { ok: false, owner: held };
  }

  /** The metadata and every value in one statement, hence one snapshot: never two versions mixed. */
  private async current(db: pg.Pool | pg.PoolClient, namespace: string, name: string): Promise<{ data: SecretData; meta?: SecretMeta } | undefined> {
    const { rows } = await db.query<{ meta: string | null } & { [K in keyof ValueRow]: ValueRow[K] | null }>(
      `SELECT o.meta, v.key, v.key_id, v.nonce, v.ciphertext FROM secret_objects o
       LEFT JOIN secret_values v ON v.store = o.store AND v.namespace = o.namespace AND v.name = o.name
       WHERE o.store = $1 AND o.namespace = $2 AND o.name = $3`,
      [this.store, namespace, name],
    );
    if (rows.length === 0) return undefined;
    const data: SecretData = {};
    for (const row of rows) if (row.key !== null) data[row.key] = this.open(namespace, name, row as ValueRow);
    const raw = rows[0]!.meta;
    let meta: SecretMeta | undefined;
    try {
      meta = raw ? (JSON.parse(raw) as SecretMeta) : undefined;
    } catch {
      meta = undefined;
    }
    return { data, meta };
  }

  private async lockSecret(client: pg.PoolClient, namespace: string, name: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.store}/${namespace}/${name}`]);
  }

  private open(namespace: string, name: string, row: ValueRow): Buffer {
    return this.cipher.open({ keyId: row.key_id, nonce: row.nonce, ciphertext: row.ciphertext }, valuePlace(this.store, namespace, name, row.key));
  }

  /** Runs `fn` in a transaction; a claim that raced a release, or a deadlock, is retried from the start. */
  private async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (!retryable(err) || attempt >= 5) throw err;
      } finally {
        client.release();
      }
    }
  }
}

// 40001 serialization failure, 40P01 deadlock detected: nothing was written, try again.
const retryable = (err: unknown): boolean => err instanceof ClaimRaced || ['40001', '40P01'].includes((err as { code?: string }).code ?? '');

class ClaimRaced extends Error {
  constructor() {
    super('the owner record changed during the claim');
  }
}
