import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.ts';

const key = Buffer.alloc(32, 1).toString('base64');
const old = Buffer.alloc(32, 2).toString('base64');
const pgEnv = { SECRET_STORE: 'postgres', DATABASE_URL: 'postgres://u@127.0.0.1:5432/certs', SECRET_ENCRYPTION_KEY: key };

test('SECRET_STORE: file by default, needing nothing else', () => {
  assert.deepEqual(loadConfig({}).stores, { kind: 'file' });
  assert.deepEqual(loadConfig({ SECRET_STORE: 'file', SECRET_ENCRYPTION_KEY: 'ignored' }).stores, { kind: 'file' });
});

test('SECRET_STORE=postgres: the URL, the key and the old keys', () => {
  const s = loadConfig({ ...pgEnv, SECRET_ENCRYPTION_OLD_KEYS: ` ${old} ,` }).stores;
  assert.equal(s.kind, 'postgres');
  if (s.kind !== 'postgres') return;
  assert.equal(s.databaseUrl, pgEnv.DATABASE_URL);
  assert.ok(s.encryptionKey.equals(Buffer.alloc(32, 1)));
  assert.deepEqual(s.oldEncryptionKeys, [Buffer.alloc(32, 2)]);
});

test('SECRET_ENCRYPTION_KEY_FILE: the key from a file (trimmed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-config-'));
  try {
    writeFileSync(join(dir, 'key'), `${key}\n`);
    const s = loadConfig({ ...pgEnv, SECRET_ENCRYPTION_KEY: undefined, SECRET_ENCRYPTION_KEY_FILE: join(dir, 'key') }).stores;
    assert.ok(s.kind === 'postgres' && s.encryptionKey.equals(Buffer.alloc(32, 1)));
    assert.throws(() => loadConfig({ ...pgEnv, SECRET_ENCRYPTION_KEY_FILE: join(dir, 'key') }), /set SECRET_ENCRYPTION_KEY or SECRET_ENCRYPTION_KEY_FILE, not both/);
    assert.throws(() => loadConfig({ ...pgEnv, SECRET_ENCRYPTION_KEY: undefined, SECRET_ENCRYPTION_KEY_FILE: join(dir, 'missing') }), /SECRET_ENCRYPTION_KEY_FILE: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [name, env, message] of [
  ['unknown SECRET_STORE', { SECRET_STORE: 'redis' }, /SECRET_STORE/],
  ['postgres without DATABASE_URL', { ...pgEnv, DATABASE_URL: '' }, /DATABASE_URL is required when SECRET_STORE=postgres/],
  ['postgres without a key', { ...pgEnv, SECRET_ENCRYPTION_KEY: undefined }, /SECRET_ENCRYPTION_KEY \(or SECRET_ENCRYPTION_KEY_FILE\) is required/],
  ['a key of 31 bytes', { ...pgEnv, SECRET_ENCRYPTION_KEY: Buffer.alloc(31).toString('base64') }, /SECRET_ENCRYPTION_KEY: must be the base64 of exactly 32 bytes/],
  ['a key of 33 bytes', { ...pgEnv, SECRET_ENCRYPTION_KEY: Buffer.alloc(33).toString('base64') }, /SECRET_ENCRYPTION_KEY: must be the base64 of exactly 32 bytes/],
  ['a key that is not base64', { ...pgEnv, SECRET_ENCRYPTION_KEY: `${'!'.repeat(43)}=` }, /SECRET_ENCRYPTION_KEY: must be/],
  ['a bad old key', { ...pgEnv, SECRET_ENCRYPTION_OLD_KEYS: `${old},short` }, /SECRET_ENCRYPTION_OLD_KEYS \(entry 2\): must be/],
] as const) {
  test(`store configuration: ${name} is refused, naming the variable`, () => {
    assert.throws(() => loadConfig(env as NodeJS.ProcessEnv), message);
  });
}
