// Polling an ACME object: one short activity per look, a durable timer between looks. The
// server's Retry-After wins over our own schedule, within sane bounds.
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import type { Polled } from '../resources/acme-order-state.ts';

export interface PollOptions {
  what: string;
  firstDelayMs?: number;
  maxDelayMs?: number;
  limitMs?: number;
}

// A CA that validates in milliseconds (Pebble: 5-20 ms) is seen soon after; one that takes seconds
// (Let's Encrypt) is asked about ten times in its first five seconds.
const FIRST_DELAY_MS = 25;

export async function pollUntil<T>(look: () => Promise<Polled<T>>, settled: (v: T) => boolean, opts: PollOptions): Promise<T> {
  const { what, firstDelayMs = FIRST_DELAY_MS, maxDelayMs = 10_000, limitMs = 15 * 60_000 } = opts;
  // The sandbox's Date is workflow time: deterministic on replay.
  const start = Date.now();
  let delay = firstDelayMs;
  for (;;) {
    const { value, retryAfterMs } = await look();
    if (settled(value)) return value;
    if (Date.now() - start > limitMs) {
      throw ApplicationFailure.nonRetryable(`${what} did not complete within ${Math.round(limitMs / 1000)}s`, 'Timeout');
    }
    const wait = Math.min(Math.max(retryAfterMs ?? delay, FIRST_DELAY_MS), 60 * 60_000);
    await sleep(wait, { summary: `waiting for ${what}` });
    delay = Math.min(delay * 1.5, maxDelayMs);
  }
}
