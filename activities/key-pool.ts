// Private keys made ahead of need. An issuance takes a ready key instead of waiting while one is
// made (RSA 2048 on 2 cores: 70-300 ms, p50 130), which was the largest single step of an
// issuance. A kind of key (algorithm and size) is pooled once it has been asked for; after each
// take the pool is topped up in the background, through the same keygen slots as every other
// key, so the work is the same as making keys on demand, only earlier. A key someone waits for
// goes before top-ups in those slots.
//
// A pooled key lives in this process's memory only, as a key being made does, and is handed out
// once. Pooled keys are never written anywhere until taken; a worker that stops loses them,
// which costs nothing but the time to make them again.
import type { KeyObject } from 'node:crypto';
import type { CertificatePrivateKey } from '../resources/types.ts';
import type { SlotPriority } from './keygen-slots.ts';
import { generatePrivateKey } from './private-key.ts';

export type KeyKind = Pick<CertificatePrivateKey, 'algorithm' | 'size'>;

interface Waiter {
  resolve(key: KeyObject): void;
  reject(err: unknown): void;
}

interface Pool {
  ready: KeyObject[];
  making: number;
  /** Of `making`, those queued as urgent: at least one per waiter. */
  urgent: number;
  waiting: Waiter[];
}

export class KeyPool {
  private readonly pools = new Map<string, Pool>();

  /** `size` 0 makes every key on demand. */
  constructor(
    private readonly size: number,
    private readonly make: (kind: KeyKind, priority: SlotPriority) => Promise<KeyObject> = generatePrivateKey,
  ) {}

  /** A key never handed out before: a ready one, else the next one made (first come, first served). */
  take(kind: KeyKind): Promise<KeyObject> {
    if (this.size === 0) return this.make(kind, 'urgent');
    const pool = this.pool(kind);
    const ready = pool.ready.shift();
    const key = ready ? Promise.resolve(ready) : new Promise<KeyObject>((resolve, reject) => pool.waiting.push({ resolve, reject }));
    this.topUp(kind, pool);
    return key;
  }

  /**
   * A ready key, or undefined without waiting when none is (then `take` waits for one). Either
   * way the kind counts as asked for, and the pool is topped up.
   */
  takeReady(kind: KeyKind): KeyObject | undefined {
    if (this.size === 0) return undefined;
    const pool = this.pool(kind);
    const ready = pool.ready.shift();
    this.topUp(kind, pool);
    return ready;
  }

  /** Ready keys per kind, e.g. { 'RSA-2048': 4 }. */
  readyCounts(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([k, p]) => [k, p.ready.length]));
  }

  private pool(kind: KeyKind): Pool {
    const id = `${kind.algorithm}-${kind.size}`;
    let pool = this.pools.get(id);
    if (!pool) this.pools.set(id, (pool = { ready: [], making: 0, urgent: 0, waiting: [] }));
    return pool;
  }

  // Enough in the making for every waiter, and for a full pool after them.
  private topUp(kind: KeyKind, pool: Pool): void {
    while (pool.making < pool.waiting.length + this.size - pool.ready.length) {
      // A top-up queued earlier cannot move up, so a new waiter gets a make of its own.
      const priority = pool.urgent < pool.waiting.length ? 'urgent' : 'later';
      pool.making++;
      if (priority === 'urgent') pool.urgent++;
      const done = () => {
        pool.making--;
        if (priority === 'urgent') pool.urgent--;
      };
      this.make(kind, priority).then(
        (key) => {
          done();
          const waiter = pool.waiting.shift();
          if (waiter) waiter.resolve(key);
          else pool.ready.push(key);
        },
        (err: unknown) => {
          done();
          // The one waiting longest gets the error (its activity retries); nobody waiting: nothing lost.
          pool.waiting.shift()?.reject(err);
        },
      );
    }
  }
}
