import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keygenConcurrency, Slots } from './keygen-slots.ts';

test('keygenConcurrency leaves two threadpool threads free, at least one generation', () => {
  const table: [number, number][] = [
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 2],
    [8, 6],
    [64, 62],
    [4096, 1022],
  ];
  for (const [threads, want] of table) assert.equal(keygenConcurrency(threads), want, `${threads} threads`);
});

test('Slots runs at most `size` at once, in order, and frees a slot on failure', async () => {
  const slots = new Slots(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const job = (i: number, fail = false) =>
    slots.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      order.push(i);
      if (fail) throw new Error(`job ${i}`);
      return i;
    });
  const results = await Promise.allSettled([job(0), job(1, true), job(2), job(3), job(4, true), job(5)]);
  assert.equal(peak, 2);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(order.slice(0, 2).sort(), [0, 1]);
  assert.equal(await slots.run(async () => 'free again'), 'free again');
});

test('Slots lets urgent work go before work queued for later, each queue in order', async () => {
  const slots = new Slots(1);
  const order: string[] = [];
  let release!: () => void;
  const blocker = slots.run(() => new Promise<void>((r) => (release = r)));
  const job = (name: string, priority: 'urgent' | 'later') => slots.run(async () => void order.push(name), priority);
  const jobs = [job('later 1', 'later'), job('later 2', 'later'), job('urgent 1', 'urgent'), job('urgent 2', 'urgent')];
  release();
  await Promise.all([blocker, ...jobs]);
  assert.deepEqual(order, ['urgent 1', 'urgent 2', 'later 1', 'later 2']);
});
