// One LISTEN connection per process for Secret changes: every write, remove, claim and release
// sends NOTIFY in its own transaction (so a change is announced exactly when it commits), and
// watchers (self-healing) hear of it at once. After a lost connection the feed reconnects;
// changes made meanwhile are not replayed (self-healing's periodic checks cover them).
import pg from 'pg';

export const CHANNEL = 'secret_changes';

export interface Change {
  store: string;
  namespace: string;
  name: string;
  /**
   * The store instance (one per process) whose write or claim this is. Its own watcher drops it,
   * as the file store drops its own writes; removals and releases carry none: every watcher,
   * the writer's own included, must hear that a Secret went or was given up.
   */
  writer?: string;
  /** The owner a write or claim was made as, if any. */
  as?: string;
}

type Listener = (change: Change) => void;

export class PgChangeFeed {
  private readonly listeners = new Set<Listener>();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly connectionString: string,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Starts listening (if not yet); resolves once LISTEN is in place. */
  subscribe(listener: Listener): { ready: Promise<void>; unsubscribe: () => void } {
    this.listeners.add(listener);
    return { ready: this.connect(), unsubscribe: () => this.listeners.delete(listener) };
  }

  private connect(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.connecting ??= this.open().catch((err: Error) => {
      this.connecting = undefined;
      this.onError(err);
      this.scheduleRetry();
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let change: Change;
      try {
        change = JSON.parse(msg.payload) as Change;
      } catch {
        return;
      }
      for (const l of this.listeners) l(change);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('change feed connection ended')));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.connecting = undefined;
    this.onError(err);
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, 1_000);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** The NOTIFY to run inside a writing transaction. */
export async function notifyChange(client: pg.PoolClient, change: Change): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]);
}
