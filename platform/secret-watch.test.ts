// The file store's watch, against real inotify: every kind of change to a Secret, by another
// process's store or by hand, is reported once with its namespace and name; this process's own
// writes are not; after unsubscribing nothing is.
import { after, afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore } from './secret-store.ts';
import { SecretDirWatch } from './secret-watch.ts';

const DEBOUNCE_MS = 250;
/** Long enough for a burst to settle and be reported (the machine is shared and slow). */
const SETTLE_MS = 1_200;

let root: string;
let watcher: FileSecretStore; // the worker's store: it watches
let other: FileSecretStore; // another process (the API) writing the same directory
let events: string[];
let stop: () => void;
let errors: Error[];

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-watch-test-'));
  const dir = path.join(root, 'secrets');
  watcher = new FileSecretStore(dir);
  other = new FileSecretStore(dir);
  await other.write('team-a', 'existing', tls('1'), undefined, { owner: 'Certificate/existing' });
  events = [];
  errors = [];
  stop = watcher.watch((ns, name) => events.push(`${ns}/${name}`), { debounceMs: DEBOUNCE_MS, onError: (e) => errors.push(e) });
});
afterEach(async () => {
  stop();
  assert.deepEqual(errors, []);
});
after(async () => fs.rm(root, { recursive: true, force: true }));

const tls = (v: string) => ({ 'tls.crt': Buffer.from(`crt ${v}`), 'tls.key': Buffer.from(`key ${v}`) });
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
const secretDir = (ns: string, name: string) => path.join(root, 'secrets', ns, name);

async function reported(change: () => Promise<unknown>): Promise<string[]> {
  events.length = 0; // setup wrote before the watch started: nothing is left over
  await change();
  await settle();
  return [...events];
}

const changes: Array<[string, () => Promise<unknown>, string[]]> = [
  ['a new Secret in an existing namespace', () => other.write('team-a', 'web', tls('1')), ['team-a/web']],
  ['a new Secret in a new namespace', () => other.write('team-b', 'api', tls('1')), ['team-b/api']],
  ['a replaced Secret (one version switch)', () => other.write('team-a', 'existing', tls('2'), undefined, { replace: true }), ['team-a/existing']],
  ['a Secret deleted by the store', () => other.remove('team-a', 'existing'), ['team-a/existing']],
  ['a Secret directory deleted by hand', () => fs.rm(secretDir('team-a', 'existing'), { recursive: true }), ['team-a/existing']],
  ['one file deleted by hand', () => fs.rm(path.join(secretDir('team-a', 'existing'), 'tls.key')), ['team-a/existing']],
  [
    'tls.key overwritten in place by hand (through its link)',
    () =>
      fs.writeFile(path.join(secretDir('team-a', 'existing'), 'tls.key'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
    ['team-a/existing'],
  ],
  [
    'tls.key replaced by a plain file (mv over the link)',
    async () => {
      const tmp = path.join(root, 'foreign.key');
      await fs.writeFile(tmp, 'foreign');
      await fs.rename(tmp, path.join(secretDir('team-a', 'existing'), 'tls.key'));
    },
    ['team-a/existing'],
  ],
  ['a namespace deleted by hand', () => fs.rm(path.join(root, 'secrets', 'team-a'), { recursive: true }), ['team-a/existing']],
  ['the owner gives the Secret up', () => other.release('team-a', 'existing', 'Certificate/existing'), ['team-a/existing']],
  ['a claim of a Secret nobody owned is no news', () => other.claim('team-a', 'free', 'Certificate/free'), []],
  ["this process's own write is no news", () => watcher.write('team-a', 'existing', tls('3')), []],
  ["this process's own new Secret is no news", () => watcher.write('team-c', 'mine', tls('3'), undefined, { owner: 'Certificate/mine' }), []],
];

for (const [what, change, want] of changes) {
  test(`watch reports ${what}: ${JSON.stringify(want)}`, async () => {
    assert.deepEqual(await reported(change), want);
  });
}

test('a Secret written, then changed by hand: each change is reported once, the watch follows the new version', async () => {
  assert.deepEqual(await reported(() => other.write('team-a', 'existing', tls('2'))), ['team-a/existing']);
  // The edit lands in the version written just now: the watch moved to it.
  assert.deepEqual(await reported(() => fs.writeFile(path.join(secretDir('team-a', 'existing'), 'tls.crt'), 'edited')), ['team-a/existing']);
  assert.deepEqual(await reported(() => fs.rm(secretDir('team-a', 'existing'), { recursive: true })), ['team-a/existing']);
  assert.deepEqual(await reported(() => other.write('team-a', 'existing', tls('4'))), ['team-a/existing']);
});

test('a burst of writes to one Secret is one report; two Secrets are two', async () => {
  const got = await reported(async () => {
    for (let i = 0; i < 5; i++) await other.write('team-a', 'existing', tls(`burst ${i}`));
    await other.write('team-a', 'second', tls('1'));
  });
  assert.deepEqual(got.sort(), ['team-a/existing', 'team-a/second']);
});

test('after unsubscribing nothing is reported', async () => {
  stop();
  assert.deepEqual(await reported(() => other.write('team-a', 'existing', tls('2'))), []);
  assert.deepEqual(await reported(() => fs.rm(secretDir('team-a', 'existing'), { recursive: true })), []);
});

test('when the kernel refuses more watches: said once, nothing throws, the Secrets it could watch are still reported', async () => {
  stop();
  const dir = path.join(root, 'secrets');
  for (const name of ['b', 'c', 'd']) await other.write('team-a', name, tls('1'));
  let allowed = 4; // root, team-a, its ..owners, and one Secret directory
  const refusals: Error[] = [];
  const seen: string[] = [];
  const watch = new SecretDirWatch(dir, (ns, name) => seen.push(`${ns}/${name}`), {
    debounceMs: DEBOUNCE_MS,
    onError: (e) => refusals.push(e),
    watchDir: (d, listener) => {
      if (allowed-- <= 0) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${d}'`), { code: 'ENOSPC' });
      return fsSync.watch(d, { persistent: false }, (event, entry) => listener(event, entry === null ? null : String(entry)));
    },
  }).start();
  try {
    assert.equal(refusals.length, 1, 'one message, however many watches were refused');
    assert.match(refusals[0]!.message, /ENOSPC.*max_user_watches.*resync/);
    assert.equal(watch.watchCount, 4);
    // A new Secret is still seen by the namespace's watch; edits inside unwatched ones are not (the resync's job).
    await other.write('team-a', 'new', tls('1'));
    await settle();
    assert.deepEqual(seen, ['team-a/new']);
    assert.equal(refusals.length, 1);
  } finally {
    watch.close();
  }
});
