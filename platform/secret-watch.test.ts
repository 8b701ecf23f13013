// The file store's watch, against real inotify: every kind of change to a Secret, by another
// process's store or by hand, is reported once with its namespace and name; this process's own
// writes are not; after unsubscribing nothing is.
import { after, afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore } from './secret-store.ts';

const DEBOUNCE_MS = 100;
/** Long enough for a burst to settle and be reported (the machine is shared and slow). */
const SETTLE_MS = 700;

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
  await settle(); // nothing left over from setup
  events.length = 0;
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
    () => fs.writeFile(path.join(secretDir('team-a', 'existing'), 'tls.key'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })),
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
  ['this process\'s own write is no news', () => watcher.write('team-a', 'existing', tls('3')), []],
  ['this process\'s own new Secret is no news', () => watcher.write('team-c', 'mine', tls('3'), undefined, { owner: 'Certificate/mine' }), []],
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
