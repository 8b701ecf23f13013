// Key generation runs on libuv's threadpool (UV_THREADPOOL_SIZE, 4 by default), which file I/O
// and dns.lookup share. Four RSA-4096 generations in flight took every thread: secret-store reads
// and writes waited up to 7.7 s (scripts/bench/keygen-threadpool.ts). At most `threads - 2`
// generations run at once, so two threads always stay free for the secret store and DNS.

export function keygenConcurrency(threadpoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4): number {
  return Math.max(1, Math.min(threadpoolSize, 1024) - 2);
}

export type SlotPriority = 'urgent' | 'later';

/**
 * A counting semaphore with two FIFO queues, no timeouts (callers are activities with their own).
 * Urgent work (a key an issuance waits for) goes before work done ahead of need (a key pool's
 * top-up), so a pool refilling 4096-bit keys never holds up a 2048-bit key wanted now.
 */
export class Slots {
  private active = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly later: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>, priority: SlotPriority = 'urgent'): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this[priority].push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.urgent.shift() ?? this.later.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export const keygenSlots = new Slots(keygenConcurrency());
