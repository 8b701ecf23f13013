// The mirror on a real directory: the file store's layout and modes, and no write for equal bytes.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalMirror } from './local-mirror.ts';

test('writes <dir>/<ns>/<name> as versioned links, 0700/0600; equal bytes write nothing; a leftover version is swept', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mirror-'));
  const mirror = new LocalMirror(path.join(dir, 'out'));
  const secret = path.join(dir, 'out', 'team-a', 'web-tls');
  assert.equal(await mirror.apply('team-b', 'fresh', { 'tls.crt': Buffer.from('c') }), true);
  const fresh = path.join(dir, 'out', 'team-b', 'fresh');
  assert.equal((await fs.stat(path.join(dir, 'out'))).mode & 0o777, 0o700);
  assert.equal((await fs.stat(fresh)).mode & 0o777, 0o700);
  assert.equal((await fs.stat(path.join(fresh, 'tls.crt'))).mode & 0o777, 0o600);
  // What a killed agent left: older than this start (made in the same millisecond, it would not count).
  const leftover = path.join(secret, '..2020_01_01_00_00_00_000_abcdef');
  await fs.mkdir(leftover, { recursive: true });
  await fs.utimes(leftover, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  assert.equal(await mirror.apply('team-a', 'web-tls', { 'tls.crt': Buffer.from('c1'), 'tls.key': Buffer.from('k1') }), true);
  assert.equal(await fs.readlink(path.join(secret, 'tls.key')), '..data/tls.key');
  assert.equal(await fs.readFile(path.join(secret, 'tls.crt'), 'utf8'), 'c1');
  assert.equal((await fs.stat(path.join(secret, 'tls.key'))).mode & 0o777, 0o600);
  const version = await fs.readlink(path.join(secret, '..data'));
  assert.deepEqual(
    (await fs.readdir(secret)).filter((e) => e.startsWith('..2')),
    [version],
    'the leftover is gone',
  );

  assert.equal(await mirror.apply('team-a', 'web-tls', { 'tls.key': Buffer.from('k1'), 'tls.crt': Buffer.from('c1') }), false);
  assert.equal(await fs.readlink(path.join(secret, '..data')), version);
  assert.equal(await mirror.apply('team-a', 'web-tls', { 'tls.crt': Buffer.from('c2'), 'tls.key': Buffer.from('k2') }), true);
  assert.notEqual(await fs.readlink(path.join(secret, '..data')), version);
  assert.throws(() => mirror.secretDir('..', 'x'), /invalid secret path segment/);
  await fs.rm(dir, { recursive: true });
});
