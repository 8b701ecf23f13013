// What every SecretStore backend must do, as one suite: platform/secret-store-contract.test.ts
// runs it against the file store and the PostgreSQL store. `open` gives two instances on the
// same storage, standing for two processes (workers, API replicas).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecretData, SecretMeta, SecretStore, WriteResult } from './secret-store.ts';

export interface ContractTarget {
  /** Two stores over the same storage, as two processes would open it. */
  stores: [SecretStore, SecretStore];
}

const b = (s: string) => Buffer.from(s);
const tls: SecretMeta = { type: 'kubernetes.io/tls' };

type Step = [SecretData, SecretMeta | undefined, boolean, WriteResult];
const sequences: Array<[string, Step[], Record<string, string>, string]> = [
  ['first write creates', [[{ 'tls.crt': b('c') }, tls, false, 'created']], { 'tls.crt': 'c' }, 'kubernetes.io/tls'],
  [
    'same data again is unchanged',
    [
      [{ a: b('1') }, undefined, false, 'created'],
      [{ a: b('1') }, undefined, false, 'unchanged'],
    ],
    { a: '1' },
    'Opaque',
  ],
  [
    'new value is configured',
    [
      [{ a: b('1') }, undefined, false, 'created'],
      [{ a: b('2') }, undefined, false, 'configured'],
    ],
    { a: '2' },
    'Opaque',
  ],
  [
    'subset without replace is unchanged, keeps other keys',
    [
      [{ a: b('1'), c: b('3') }, undefined, false, 'created'],
      [{ a: b('1') }, undefined, false, 'unchanged'],
    ],
    { a: '1', c: '3' },
    'Opaque',
  ],
  [
    'new key without replace keeps the old ones',
    [
      [{ a: b('1') }, undefined, false, 'created'],
      [{ c: b('3') }, undefined, false, 'configured'],
    ],
    { a: '1', c: '3' },
    'Opaque',
  ],
  [
    'replace removes keys not given',
    [
      [{ a: b('1'), c: b('3') }, undefined, false, 'created'],
      [{ a: b('1') }, undefined, true, 'configured'],
    ],
    { a: '1' },
    'Opaque',
  ],
  [
    'replace with the same keys is unchanged',
    [
      [{ a: b('1') }, tls, false, 'created'],
      [{ a: b('1') }, tls, true, 'unchanged'],
    ],
    { a: '1' },
    'kubernetes.io/tls',
  ],
  [
    'changed meta is configured',
    [
      [{ a: b('1') }, { type: 'Opaque' }, false, 'created'],
      [{ a: b('1') }, { type: 'Opaque', labels: { x: 'y' } }, false, 'configured'],
    ],
    { a: '1' },
    'Opaque',
  ],
  [
    'meta kept when a later write gives none',
    [
      [{ a: b('1') }, { type: 'Opaque', labels: { x: 'y' } }, false, 'created'],
      [{ a: b('2') }, undefined, false, 'configured'],
    ],
    { a: '2' },
    'Opaque',
  ],
  [
    'dot-prefixed key like .dockerconfigjson works',
    [[{ '.dockerconfigjson': b('{}') }, { type: 'kubernetes.io/dockerconfigjson' }, false, 'created']],
    { '.dockerconfigjson': '{}' },
    'kubernetes.io/dockerconfigjson',
  ],
  [
    'binary value round-trips',
    [
      [{ bin: Buffer.from([0, 255, 10, 13]) }, undefined, false, 'created'],
      [{ bin: Buffer.from([0, 255, 10, 13]) }, undefined, false, 'unchanged'],
    ],
    { bin: '\0\xff\n\r' },
    'Opaque',
  ],
  ['empty value round-trips', [[{ empty: Buffer.alloc(0) }, undefined, false, 'created']], { empty: '' }, 'Opaque'],
];

/** Registers the contract's tests; `target()` is awaited inside each (set up by the caller's before()). */
export function secretStoreContract(label: string, target: () => ContractTarget): void {
  let n = 0;
  for (const [name, steps, expectedData, expectedType] of sequences) {
    test(`${label} write: ${name}`, async () => {
      const [store] = target().stores;
      const secretName = `seq${n++}`;
      const results: WriteResult[] = [];
      for (const [data, meta, replace] of steps) results.push(await store.write('ns', secretName, data, meta, { replace }));
      assert.deepEqual(
        results,
        steps.map((s) => s[3]),
      );
      const read = await store.read('ns', secretName);
      assert.ok(read);
      assert.deepEqual(Object.fromEntries(Object.entries(read.data).map(([k, v]) => [k, v.toString('latin1')])), expectedData);
      assert.equal(read.meta.type, expectedType);
      for (const [k, v] of Object.entries(expectedData)) assert.equal((await store.readKey('ns', secretName, k))?.toString('latin1'), v);
    });
  }

  test(`${label}: a missing Secret or key reads as undefined; tls.crt without meta means kubernetes.io/tls`, async () => {
    const [store] = target().stores;
    assert.equal(await store.read('ns', 'nothing-here'), undefined);
    assert.equal(await store.readKey('ns', 'nothing-here', 'tls.crt'), undefined);
    await store.write('ns', 'no-meta', { 'tls.crt': b('c') });
    assert.equal(await store.readKey('ns', 'no-meta', 'tls.key'), undefined);
    assert.equal((await store.read('ns', 'no-meta'))?.meta.type, 'kubernetes.io/tls');
  });

  test(`${label}: a write is seen by the other instance at once`, async () => {
    const [one, two] = target().stores;
    await one.write('shared', 'web-tls', { 'tls.crt': b('c1'), 'tls.key': b('k1') }, tls);
    assert.equal((await two.readKey('shared', 'web-tls', 'tls.key'))?.toString(), 'k1');
    assert.equal(await two.write('shared', 'web-tls', { 'tls.crt': b('c1'), 'tls.key': b('k1') }, tls), 'unchanged');
  });

  for (const [what, ns, name, key] of [
    ['namespace ..', '..', 'x', 'k'],
    ['name with /', 'ns', 'a/b', 'k'],
    ['key with /', 'ns', 'x', '../k'],
    ['empty name', 'ns', '', 'k'],
  ] as const) {
    test(`${label}: refuses a bad ${what} and stores nothing`, async () => {
      const [store] = target().stores;
      await assert.rejects(store.write(ns, name, { [key]: b('v') }), /invalid secret/);
      await assert.rejects(store.readKey(ns, name, key), /invalid secret/);
    });
  }

  test(`${label}: remove says whether the Secret existed and drops its owner`, async () => {
    const [store] = target().stores;
    await store.write('rm', 'gone', { a: b('1') }, undefined, { owner: 'Certificate/gone' });
    assert.equal(await store.remove('rm', 'gone'), true);
    assert.equal(await store.read('rm', 'gone'), undefined);
    assert.equal(await store.owner('rm', 'gone'), undefined);
    assert.equal(await store.remove('rm', 'gone'), false);
  });

  test(`${label} owners: a write as another owner is refused and changes nothing; release frees the Secret`, async () => {
    const [store, other] = target().stores;
    await store.write('own', 'web-tls', { 'tls.crt': b('c') }, tls, { owner: 'Certificate/web' });
    assert.equal(await other.owner('own', 'web-tls'), 'Certificate/web');
    await assert.rejects(other.write('own', 'web-tls', { 'tls.crt': b('x') }, tls, { owner: 'Certificate/other' }), (err: Error) => {
      assert.equal(err.name, 'SecretOwnedError');
      assert.match(err.message, /Certificate\/web/);
      return true;
    });
    assert.equal((await store.read('own', 'web-tls'))?.data['tls.crt']?.toString(), 'c');
    assert.deepEqual(await store.claim('own', 'web-tls', 'Certificate/web'), { ok: true, created: false });
    assert.deepEqual(await store.claim('own', 'web-tls', 'applied'), { ok: false, owner: 'Certificate/web' });
    assert.equal(await store.release('own', 'web-tls', 'Certificate/other'), false);
    assert.equal(await store.release('own', 'web-tls', 'Certificate/web'), true);
    assert.equal(await store.owner('own', 'web-tls'), undefined);
    assert.equal((await store.read('own', 'web-tls'))?.data['tls.crt']?.toString(), 'c', 'release keeps the data');
    assert.deepEqual(await other.claim('own', 'web-tls', 'Certificate/other'), { ok: true, created: true });
  });

  test(`${label}: a claim does not make a Secret appear; owners lists who holds what in a namespace`, async () => {
    const [store] = target().stores;
    assert.deepEqual(await store.claim('by', 'a', 'Certificate/x'), { ok: true, created: true });
    assert.equal(await store.read('by', 'a'), undefined);
    await store.claim('by', 'b', 'Certificate/x');
    await store.claim('by', 'c', 'Certificate/y');
    await store.claim('by-other-ns', 'd', 'Certificate/x');
    assert.deepEqual([...(await store.owners('by'))].sort(), [
      ['a', 'Certificate/x'],
      ['b', 'Certificate/x'],
      ['c', 'Certificate/y'],
    ]);
    assert.deepEqual(await store.owners('nobody-here'), new Map());
  });

  test(`${label} claim race: of concurrent claimants on two instances exactly one wins`, async () => {
    const [one, two] = target().stores;
    for (let i = 0; i < 15; i++) {
      const claimants = Array.from({ length: 6 }, (_, j) => `Certificate/c${j}`);
      const results = await Promise.all(claimants.map((owner, j) => (j % 2 ? two : one).claim('race', `s${i}`, owner)));
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      const owner = await one.owner('race', `s${i}`);
      assert.equal(owner, claimants[results.findIndex((r) => r.ok)]);
      for (const r of results) if (!r.ok) assert.equal(r.owner, owner);
    }
  });

  test(`${label}: of concurrent owned writes by different owners exactly one lands`, async () => {
    const [one, two] = target().stores;
    const owners = ['Certificate/a', 'Certificate/b', 'Certificate/c', 'Certificate/d'];
    const results = await Promise.allSettled(owners.map((o, i) => (i % 2 ? two : one).write('wrace', 'tls', { 'tls.crt': b(o), 'tls.key': b(o) }, tls, { owner: o })));
    const won = results.findIndex((r) => r.status === 'fulfilled');
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'SecretOwnedError');
    const read = await one.read('wrace', 'tls');
    assert.equal(read?.data['tls.key']?.toString(), owners[won]);
    assert.equal(await one.owner('wrace', 'tls'), owners[won]);
  });

  test(`${label}: owned writes, removals and claims of one Secret racing on two instances all complete`, async () => {
    const [one, two] = target().stores;
    for (let i = 0; i < 20; i++) {
      const results = await Promise.allSettled([
        one.write('churn', 's', { 'tls.key': b(`a${i}`) }, tls, { owner: 'Certificate/s' }),
        two.remove('churn', 's'),
        two.write('churn', 's', { 'tls.key': b(`b${i}`) }, tls, { owner: 'Certificate/s' }),
        one.claim('churn', 's', 'Certificate/s'),
        two.release('churn', 's', 'Certificate/s'),
      ]);
      for (const r of results) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
    }
  });

  test(`${label}: a reader never sees keys from two versions`, async () => {
    const [writer, reader] = target().stores;
    await writer.write('mix', 'pair', { 'tls.crt': b('start'), 'tls.key': b('start') });
    let done = false;
    let reads = 0;
    const reading = (async () => {
      while (!done) {
        const s = await reader.read('mix', 'pair');
        assert.ok(s);
        assert.equal(s.data['tls.crt']?.toString(), s.data['tls.key']?.toString());
        reads++;
      }
    })();
    for (let i = 0; i < 100; i++) await writer.write('mix', 'pair', { 'tls.crt': b(String(i)), 'tls.key': b(String(i)) });
    done = true;
    await reading;
    assert.ok(reads > 5, `reads ${reads}`);
  });

  // A claim need not be announced (it changes no data); giving a Secret up must be.
  test(`${label} watch: writes, removals and releases from another instance are announced`, async () => {
    const [watched, writer] = target().stores;
    const seen: string[] = [];
    let wake: () => void = () => {};
    const stop = await startWatching(watched, (ns, name) => {
      seen.push(`${ns}/${name}`);
      wake();
    });
    const next = async (action: () => Promise<unknown>, expected: string) => {
      const before = seen.length;
      const arrived = new Promise<void>((resolve) => (wake = () => seen.slice(before).includes(expected) && resolve()));
      await action();
      await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no event for ${expected}; saw ${seen.slice(before)}`)), 5_000))]);
    };
    try {
      await next(() => writer.write('watch', 'one', { a: b('1') }), 'watch/one');
      await writer.claim('watch', 'two', 'Certificate/two');
      await next(() => writer.release('watch', 'two', 'Certificate/two'), 'watch/two');
      await next(() => writer.remove('watch', 'one'), 'watch/one');
    } finally {
      stop();
    }
    const after = seen.length;
    await writer.write('watch', 'three', { a: b('1') });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, after, 'no events after unsubscribing');
  });
  test(`${label}: list names the Secrets holding data, sorted, in one namespace or all; the other instance sees the same`, async () => {
    const [one, two] = target().stores;
    await one.write('list-b', 'zeta', { a: b('1') });
    await one.write('list-b', 'alpha', { a: b('1') });
    await one.write('list-c', 'mid', { a: b('1') });
    await one.claim('list-b', 'claimed-only', 'Certificate/x');
    assert.deepEqual(await two.list('list-b'), [
      { namespace: 'list-b', name: 'alpha' },
      { namespace: 'list-b', name: 'zeta' },
    ]);
    const all = (await two.list()).filter((r) => r.namespace.startsWith('list-'));
    assert.deepEqual(all, [
      { namespace: 'list-b', name: 'alpha' },
      { namespace: 'list-b', name: 'zeta' },
      { namespace: 'list-c', name: 'mid' },
    ]);
    await one.remove('list-b', 'zeta');
    assert.deepEqual(await two.list('list-b'), [{ namespace: 'list-b', name: 'alpha' }]);
    assert.deepEqual(await two.list('list-none'), []);
    await assert.rejects(two.list('..'), /invalid secret/);
  });

  // The worker's own issuance must not wake the Certificate that just wrote its Secret; but a
  // Secret it removed or gave up is news to every Certificate waiting for it, its own included.
  test(`${label} watch: an instance's own writes are not announced to its own watcher; its removals and releases are`, async () => {
    const [store, other] = target().stores;
    const seen: string[] = [];
    let wake: () => void = () => {};
    const stop = await startWatching(store, (ns, name) => {
      seen.push(`${ns}/${name}`);
      wake();
    });
    const expect = async (action: () => Promise<unknown>, expected: string) => {
      const arrived = new Promise<void>((resolve) => (wake = () => seen.includes(expected) && resolve()));
      await action();
      await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no event for ${expected}; saw ${seen}`)), 5_000))]);
    };
    try {
      await store.write('ownw', 'mine', { a: b('1') }, undefined, { owner: 'Certificate/mine' });
      await store.write('ownw', 'mine', { a: b('2') }, undefined, { owner: 'Certificate/mine' });
      // Another instance's write afterwards is announced; once it is, the earlier ones would have been.
      await expect(() => other.write('ownw', 'theirs', { a: b('1') }), 'ownw/theirs');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!seen.includes('ownw/mine'), `own writes announced: ${seen}`);
      await store.claim('ownw', 'given', 'Certificate/given');
      await expect(() => store.release('ownw', 'given', 'Certificate/given'), 'ownw/given');
      await expect(() => store.remove('ownw', 'mine'), 'ownw/mine');
    } finally {
      stop();
    }
  });
}

/** Subscribes and waits until the subscription is live where the backend can tell. */
async function startWatching(store: SecretStore, onChange: (ns: string, name: string) => void): Promise<() => void> {
  if (store.watchReady) {
    const w = store.watchReady(onChange);
    await w.ready;
    return w.unsubscribe;
  }
  const stop = store.watch(onChange);
  await new Promise((r) => setTimeout(r, 200));
  return stop;
}
