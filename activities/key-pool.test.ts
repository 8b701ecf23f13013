import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { KeyPool, type KeyKind } from './key-pool.ts';
import type { SlotPriority } from './keygen-slots.ts';

const RSA: KeyKind = { algorithm: 'RSA', size: 2048 };
const EC: KeyKind = { algorithm: 'ECDSA', size: 256 };

/** A maker whose keys are numbered and finish only when the test says so. */
function manualMaker() {
  const pending: { kind: KeyKind; priority: SlotPriority; finish(): void; fail(err: Error): void }[] = [];
  let made = 0;
  const make = (kind: KeyKind, priority: SlotPriority) =>
    new Promise<KeyObject>((resolve, reject) => {
      const n = ++made;
      pending.push({ kind, priority, finish: () => resolve({ n, kind } as unknown as KeyObject), fail: reject });
    });
  const finishAll = async () => {
    for (let p = pending.shift(); p; p = pending.shift()) p.finish();
    await new Promise((r) => setImmediate(r));
  };
  return { make, pending, finishAll };
}
const n = (k: KeyObject) => (k as unknown as { n: number }).n;

test('after the first take of a kind, the next takes get keys made ahead, each once', async () => {
  const m = manualMaker();
  const pool = new KeyPool(3, m.make);
  const first = pool.take(RSA);
  assert.deepEqual(
    m.pending.map((p) => p.priority),
    ['urgent', 'later', 'later', 'later'],
    'the key asked for, made first, and 3 to keep',
  );
  await m.finishAll();
  assert.equal(n(await first), 1, 'the first key made goes to the one waiting');
  assert.deepEqual(pool.readyCounts(), { 'RSA-2048': 3 });

  const taken = [n(await pool.take(RSA)), n(await pool.take(RSA))];
  assert.deepEqual(taken, [2, 3], 'ready keys, oldest first');
  assert.equal(m.pending.length, 2, 'each take is replaced in the background');
  await m.finishAll();
  const all = [1, ...taken, ...(await Promise.all([pool.take(RSA), pool.take(RSA), pool.take(RSA)])).map(n)];
  assert.equal(new Set(all).size, all.length, `a key handed out twice: ${all}`);
  assert.deepEqual(pool.readyCounts(), { 'RSA-2048': 0 });
});

test('kinds are pooled apart, and only once asked for', async () => {
  const m = manualMaker();
  const pool = new KeyPool(2, m.make);
  void pool.take(EC);
  await m.finishAll();
  assert.deepEqual(pool.readyCounts(), { 'ECDSA-256': 2 });
  const rsa = pool.take(RSA);
  assert.ok(
    m.pending.every((p) => p.kind === RSA),
    'an RSA take never gets an ECDSA key',
  );
  await m.finishAll();
  assert.deepEqual(((await rsa) as unknown as { kind: KeyKind }).kind, RSA);
});

test('when keys run out, takers are served in order as keys are made; a failed make fails the longest waiting', async () => {
  const m = manualMaker();
  const pool = new KeyPool(1, m.make);
  const a = pool.take(RSA);
  const b = pool.take(RSA);
  assert.deepEqual(
    m.pending.map((p) => p.priority),
    ['urgent', 'later', 'urgent'],
    'one for each taker, made first, and one to keep',
  );
  m.pending.shift()!.fail(new Error('out of entropy'));
  await assert.rejects(a, /out of entropy/);
  await m.finishAll();
  assert.equal(n(await b), 2);
  assert.equal(n(await pool.take(RSA)), 3, 'the pool recovers');
});

test('size 0 makes every key on demand and keeps none', async () => {
  const m = manualMaker();
  const pool = new KeyPool(0, m.make);
  const k = pool.take(RSA);
  assert.equal(m.pending.length, 1);
  await m.finishAll();
  assert.equal(n(await k), 1);
  assert.deepEqual(pool.readyCounts(), {});
});

test('with real keys: a pooled key is a fresh key of the kind asked for', async () => {
  const pool = new KeyPool(2);
  const keys = await Promise.all([pool.take(EC), pool.take(EC), pool.take(EC)]);
  for (const k of keys) assert.equal(k.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const pems = keys.map((k) => k.export({ type: 'pkcs8', format: 'pem' }));
  assert.equal(new Set(pems).size, 3);
});

test('takeReady hands out a ready key, or nothing at once, and keeps the pool topped up either way', async () => {
  const m = manualMaker();
  const pool = new KeyPool(2, m.make);
  assert.equal(pool.takeReady(RSA), undefined, 'nothing made yet: no wait, no key');
  assert.deepEqual(
    m.pending.map((p) => p.priority),
    ['later', 'later'],
    'but the kind is pooled from now on',
  );
  await m.finishAll();
  const key = pool.takeReady(RSA);
  assert.equal(key && n(key), 1);
  assert.equal(m.pending.length, 1, 'the key taken is replaced');
  assert.equal(n(await pool.take(RSA)), 2, 'a waiting take gets the next one');
  assert.equal(new KeyPool(0, m.make).takeReady(RSA), undefined, 'no pool: always made on demand');
});
