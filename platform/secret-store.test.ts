import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore, type SecretData, type SecretMeta, type WriteResult } from './secret-store.ts';

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

// Each case writes a sequence of (data, meta, replace) to a fresh secret and expects the results
// and the keys read back at the end.
type Step = [SecretData, SecretMeta | undefined, boolean, WriteResult];
const sequences: Array<[string, Step[], Record<string, string>, string]> = [
  ['first write creates', [[{ 'tls.crt': b('c') }, tls, false, 'created']], { 'tls.crt': 'c' }, 'kubernetes.io/tls'],
  ['same data again is unchanged', [[{ a: b('1') }, undefined, false, 'created'], [{ a: b('1') }, undefined, false, 'unchanged']], { a: '1' }, 'Opaque'],
  ['new value is configured', [[{ a: b('1') }, undefined, false, 'created'], [{ a: b('2') }, undefined, false, 'configured']], { a: '2' }, 'Opaque'],
  ['subset without replace is unchanged and keeps other keys', [[{ a: b('1'), c: b('3') }, undefined, false, 'created'], [{ a: b('1') }, undefined, false, 'unchanged']], { a: '1', c: '3' }, 'Opaque'],
  ['new key without replace keeps the old ones', [[{ a: b('1') }, undefined, false, 'created'], [{ c: b('3') }, undefined, false, 'configured']], { a: '1', c: '3' }, 'Opaque'],
  ['replace removes keys not given', [[{ a: b('1'), c: b('3') }, undefined, false, 'created'], [{ a: b('1') }, undefined, true, 'configured']], { a: '1' }, 'Opaque'],
  ['replace with the same keys is unchanged', [[{ a: b('1') }, tls, false, 'created'], [{ a: b('1') }, tls, true, 'unchanged']], { a: '1' }, 'kubernetes.io/tls'],
  ['changed meta is configured', [[{ a: b('1') }, { type: 'Opaque' }, false, 'created'], [{ a: b('1') }, { type: 'Opaque', labels: { x: 'y' } }, false, 'configured']], { a: '1' }, 'Opaque'],
  ['dot-prefixed key like .dockerconfigjson works', [[{ '.dockerconfigjson': b('{}') }, { type: 'kubernetes.io/dockerconfigjson' }, false, 'created']], { '.dockerconfigjson': '{}' }, 'kubernetes.io/dockerconfigjson'],
  ['binary value round-trips', [[{ bin: Buffer.from([0, 255, 10, 13]) }, undefined, false, 'created'], [{ bin: Buffer.from([0, 255, 10, 13]) }, undefined, false, 'unchanged']], { bin: '\0\xff\n\r' }, 'Opaque'],
];

let n = 0;
for (const [name, steps, expectedData, expectedType] of sequences) {
  test(`FileSecretStore.write: ${name}`, async () => {
    const ns = 'ns';
    const secretName = `s${n++}`;
    const results: WriteResult[] = [];
    for (const [data, meta, replace] of steps) results.push(await store.write(ns, secretName, data, meta, { replace }));
    assert.deepEqual(results, steps.map((s) => s[3]));
    const read = await store.read(ns, secretName);
    assert.ok(read);
    assert.deepEqual(
      Object.fromEntries(Object.entries(read.data).map(([k, v]) => [k, v.toString('latin1')])),
      expectedData,
    );
    assert.equal(read.meta.type, expectedType);
    const entries = await fs.readdir(store.dir(ns, secretName));
    assert.deepEqual(entries.filter((e) => e.startsWith('.tmp-')), [], 'no temp files left behind');
  });
}

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

test('FileSecretStore.read: missing secret is undefined, missing key is undefined', async () => {
  assert.equal(await store.read('nope', 'nothing'), undefined);
  assert.equal(await store.readKey('nope', 'nothing', 'tls.key'), undefined);
  await store.write('rk', 'one', { a: b('1') });
  assert.equal(await store.readKey('rk', 'one', 'b'), undefined);
  assert.deepEqual(await store.readKey('rk', 'one', 'a'), b('1'));
});

test('FileSecretStore.read: without meta, tls.crt implies kubernetes.io/tls', async () => {
  await store.write('nometa', 'x', { 'tls.crt': b('c') });
  assert.equal((await store.read('nometa', 'x'))?.meta.type, 'kubernetes.io/tls');
});

test('FileSecretStore.read: metadata file is not returned as a data key', async () => {
  await store.write('m', 'x', { a: b('1') }, { type: 'Opaque', annotations: { k: 'v' } });
  const read = await store.read('m', 'x');
  assert.deepEqual(Object.keys(read!.data), ['a']);
  assert.deepEqual(read!.meta, { type: 'Opaque', annotations: { k: 'v' } });
});

test('FileSecretStore.remove says whether the secret existed', async () => {
  await store.write('rm', 'x', { a: b('1') });
  assert.equal(await store.remove('rm', 'x'), true);
  assert.equal(await store.read('rm', 'x'), undefined);
  assert.equal(await store.remove('rm', 'x'), false);
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
