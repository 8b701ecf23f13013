import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore, type SecretMeta } from './secret-store.ts';

let root: string;
let store: FileSecretStore;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-store-test-'));
  store = new FileSecretStore(path.join(root, 'secrets'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const b = (s: string) => Buffer.from(s);
const tls: SecretMeta = { type: 'kubernetes.io/tls' };

// What every backend does (writes, reads, removal, owners, claim races, readers during writes) is in
// secret-store.contract.ts, run for this store by secret-store-contract.test.ts; here only what files do.

test('FileSecretStore: files are 0600 and directories 0700', async () => {
  await store.write('perm-ns', 'web-tls', { 'tls.crt': b('c'), 'tls.key': b('k') }, tls);
  await store.write('perm-ns', 'web-tls', { 'tls.key': b('k2') });
  const dir = store.dir('perm-ns', 'web-tls');
  for (const f of ['tls.crt', 'tls.key', '..data/.meta.json']) {
    assert.equal((await fs.stat(path.join(dir, f))).mode & 0o777, 0o600, f);
  }
  assert.equal((await fs.stat(path.join(dir, '..data'))).mode & 0o777, 0o700, 'version dir');
  assert.equal((await fs.stat(dir)).mode & 0o777, 0o700, 'secret dir');
  assert.equal((await fs.stat(path.dirname(dir))).mode & 0o777, 0o700, 'namespace dir');
});

test('FileSecretStore.read: metadata file is not returned as a data key', async () => {
  await store.write('m', 'x', { a: b('1') }, { type: 'Opaque', annotations: { k: 'v' } });
  const read = await store.read('m', 'x');
  assert.deepEqual(Object.keys(read!.data), ['a']);
  assert.deepEqual(read!.meta, { type: 'Opaque', annotations: { k: 'v' } });
});

const badPaths: Array<[string, () => Promise<unknown>]> = [
  ['namespace ".."', () => store.read('..', 'x')],
  ['name ".."', () => store.read('ns', '..')],
  ['namespace "a/b"', () => store.write('a/b', 'x', { a: b('1') })],
  ['name "a/b"', () => store.write('ns', 'a/b', { a: b('1') })],
  ['name "../../etc"', () => store.read('ns', '../../etc')],
  ['namespace "."', () => store.read('.', 'x')],
  ['empty name', () => store.read('ns', '')],
  ['key ".."', () => store.write('ns', 'keys', { '..': b('1') })],
  ['key "a/b"', () => store.write('ns', 'keys', { 'a/b': b('1') })],
  ['key "../escape"', () => store.write('ns', 'keys', { '../escape': b('1') })],
  ['readKey "../x"', () => store.readKey('ns', 'keys', '../x')],
  ['key ".meta.json"', () => store.write('ns', 'keys', { '.meta.json': b('{}') })],
  ['remove "a/.."', () => store.remove('a/..', 'x')],
];
for (const [name, call] of badPaths) {
  test(`FileSecretStore rejects path traversal: ${name}`, async () => {
    await assert.rejects(call(), /invalid secret/);
    // nothing was written outside the store
    assert.deepEqual((await fs.readdir(root)).sort(), ['secrets']);
  });
}

// --- layout, durability, ownership -------------------------------------------------------------

const VERSION_DIR = /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d_\d{3}_[0-9a-f]+$/;
const versions = async (dir: string) => (await fs.readdir(dir)).filter((e) => VERSION_DIR.test(e));

test('FileSecretStore layout: ..data points at one version directory, keys are links through ..data', async () => {
  await store.write('layout', 'web-tls', { 'tls.crt': b('c1'), 'tls.key': b('k1'), 'ca.crt': b('ca') }, tls);
  const dir = store.dir('layout', 'web-tls');
  const target = await fs.readlink(path.join(dir, '..data'));
  assert.match(target, VERSION_DIR);
  assert.deepEqual((await fs.readdir(path.join(dir, target))).sort(), ['.meta.json', 'ca.crt', 'tls.crt', 'tls.key']);
  for (const key of ['tls.crt', 'tls.key', 'ca.crt']) {
    assert.equal(await fs.readlink(path.join(dir, key)), `..data/${key}`, key);
  }
  assert.deepEqual((await fs.readdir(dir)).sort(), ['..data', target, 'ca.crt', 'tls.crt', 'tls.key'].sort());
  assert.equal(await fs.readFile(path.join(dir, 'tls.key'), 'utf8'), 'k1', 'user-visible path reads the data');

  await store.write('layout', 'web-tls', { 'tls.crt': b('c2'), 'tls.key': b('k2') }, tls, { replace: true });
  const next = await fs.readlink(path.join(dir, '..data'));
  assert.notEqual(next, target);
  assert.deepEqual(await versions(dir), [next], 'the previous version is removed');
  assert.deepEqual((await fs.readdir(dir)).sort(), ['..data', next, 'tls.crt', 'tls.key'].sort(), 'the ca.crt link went with its key');
  assert.equal(await fs.readFile(path.join(dir, 'tls.crt'), 'utf8'), 'c2');
});

test('FileSecretStore durability: every file and the version directory are fsynced before ..data moves, the secret directory after', async () => {
  const events: string[] = [];
  const origOpen = fs.open;
  const origRename = fs.rename;
  (fs as { open: typeof fs.open }).open = (async (...args: Parameters<typeof fs.open>) => {
    const handle = await origOpen(...args);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      events.push(`sync ${path.basename(String(args[0]))}`);
      return sync();
    };
    return handle;
  }) as typeof fs.open;
  (fs as { rename: typeof fs.rename }).rename = (async (from: string, to: string) => {
    events.push(`rename ${path.basename(String(to))}`);
    return origRename(from, to);
  }) as typeof fs.rename;
  try {
    await store.write('durable', 'web-tls', { 'tls.crt': b('c'), 'tls.key': b('k') }, tls);
  } finally {
    (fs as { open: typeof fs.open }).open = origOpen;
    (fs as { rename: typeof fs.rename }).rename = origRename;
  }
  const version = await fs.readlink(path.join(store.dir('durable', 'web-tls'), '..data'));
  const swap = events.indexOf('rename ..data');
  assert.ok(swap > 0, events.join(', '));
  for (const synced of ['sync tls.crt', 'sync tls.key', 'sync .meta.json', `sync ${version}`]) {
    const at = events.indexOf(synced);
    assert.ok(at >= 0 && at < swap, `${synced} before the swap: ${events.join(', ')}`);
  }
  assert.ok(events.indexOf('sync web-tls', swap) > swap, `secret directory synced after the swap: ${events.join(', ')}`);
});

test('FileSecretStore: a failed write (ENOSPC) changes nothing and leaves no temp files or half-written version', async () => {
  await store.write('nospace', 'web-tls', { 'tls.crt': b('c1'), 'tls.key': b('k1') }, tls);
  const dir = store.dir('nospace', 'web-tls');
  const before = (await fs.readdir(dir)).sort();
  const origOpen = fs.open;
  (fs as { open: typeof fs.open }).open = (async (...args: Parameters<typeof fs.open>) => {
    const handle = await origOpen(...args);
    if (String(args[0]).endsWith('tls.key')) {
      handle.writeFile = async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
    }
    return handle;
  }) as typeof fs.open;
  try {
    await assert.rejects(store.write('nospace', 'web-tls', { 'tls.crt': b('c2'), 'tls.key': b('k2') }, tls), /ENOSPC/);
  } finally {
    (fs as { open: typeof fs.open }).open = origOpen;
  }
  assert.deepEqual((await fs.readdir(dir)).sort(), before);
  const read = await store.read('nospace', 'web-tls');
  assert.equal(read?.data['tls.crt']?.toString(), 'c1');
  assert.equal(read?.data['tls.key']?.toString(), 'k1');
});

test('FileSecretStore sweeps what a crashed writer left once it is stale, and keeps what a live writer may still use', async () => {
  const sweepRoot = path.join(root, 'sweep');
  const first = new FileSecretStore(sweepRoot);
  await first.write('ns', 'web-tls', { 'tls.crt': b('c'), 'tls.key': b('k') }, tls);
  const dir = first.dir('ns', 'web-tls');
  const current = await fs.readlink(path.join(dir, '..data'));
  const old = new Date(Date.now() - 3600_000);
  const stale = ['..2020_01_01_00_00_00_000_aaaa', '..data_tmp_bbbb', '.tmp-cccc'];
  await fs.mkdir(path.join(dir, stale[0]!), { mode: 0o700 });
  await fs.writeFile(path.join(dir, stale[0]!, 'tls.key'), 'half');
  await fs.symlink(stale[0]!, path.join(dir, stale[1]!));
  await fs.writeFile(path.join(dir, stale[2]!), 'x');
  for (const s of stale) await fs.lutimes(path.join(dir, s), old, old);
  const fresh = '..2030_01_01_00_00_00_000_dddd';
  await fs.mkdir(path.join(dir, fresh));

  const reopened = new FileSecretStore(sweepRoot);
  assert.equal((await reopened.read('ns', 'web-tls'))?.data['tls.key']?.toString(), 'k');
  const left = await fs.readdir(dir);
  for (const s of stale) assert.ok(!left.includes(s), `${s} swept`);
  assert.ok(left.includes(fresh), "a recent version directory may be a live writer's: kept");
  assert.ok(left.includes(current));
});

test('FileSecretStore migrates the old flat layout: read as is, owner adopted from the annotation, converted on the next write', async () => {
  const legacyRoot = path.join(root, 'legacy');
  const web = path.join(legacyRoot, 'team-a', 'web-tls');
  const eab = path.join(legacyRoot, 'team-a', 'eab');
  const account = path.join(legacyRoot, 'team-a', 'account-key');
  for (const d of [web, eab, account]) await fs.mkdir(d, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(web, 'tls.crt'), 'old-crt', { mode: 0o600 });
  await fs.writeFile(path.join(web, 'tls.key'), 'old-key', { mode: 0o600 });
  await fs.writeFile(path.join(web, '.meta.json'), JSON.stringify({ type: 'kubernetes.io/tls', annotations: { 'cert-manager.io/certificate-name': 'web' } }));
  await fs.writeFile(path.join(eab, 'secret'), 'hmac');
  await fs.writeFile(path.join(eab, '.meta.json'), JSON.stringify({ type: 'Opaque' }));
  await fs.writeFile(path.join(account, 'tls.key'), 'account');

  const legacy = new FileSecretStore(legacyRoot);
  const read = await legacy.read('team-a', 'web-tls');
  assert.equal(read?.data['tls.key']?.toString(), 'old-key');
  assert.equal(read?.meta.annotations?.['cert-manager.io/certificate-name'], 'web');
  assert.equal(await legacy.readKey('team-a', 'web-tls', 'tls.crt').then(String), 'old-crt');
  assert.equal(await legacy.owner('team-a', 'web-tls'), 'Certificate/web');
  assert.equal(await legacy.owner('team-a', 'eab'), 'applied');
  assert.equal(await legacy.owner('team-a', 'account-key'), 'applied', 'no evidence: nobody may overwrite it');

  assert.equal(await legacy.write('team-a', 'web-tls', { 'tls.crt': b('new-crt') }, undefined, { owner: 'Certificate/web' }), 'configured');
  assert.equal(await fs.readlink(path.join(web, 'tls.crt')), '..data/tls.crt');
  assert.equal(await fs.readlink(path.join(web, 'tls.key')), '..data/tls.key');
  assert.equal(await fs.readFile(path.join(web, 'tls.key'), 'utf8'), 'old-key', 'keys not written are carried over');
  assert.ok(!(await fs.readdir(web)).includes('.meta.json'), 'metadata moved into the version');
  assert.equal((await legacy.read('team-a', 'web-tls'))?.meta.annotations?.['cert-manager.io/certificate-name'], 'web');
  assert.equal(
    await legacy.write('team-a', 'eab', { secret: b('hmac') }, { type: 'Opaque' }, { replace: true, owner: 'applied' }),
    'unchanged',
    'an unchanged write still migrates',
  );
  assert.equal(await fs.readlink(path.join(eab, 'secret')), '..data/secret');
});
