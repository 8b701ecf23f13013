// `npm run migrate-secrets` against a real PostgreSQL: every Secret of a file store arrives with
// its keys, metadata and owner (and the prepared next keys, and claims without data); a second
// run changes nothing; a Secret another owner holds in the database is reported and left alone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { FileSecretStore } from './secret-store.ts';
import { openStores, type Stores } from './stores.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const key = randomBytes(32);
const b = (s: string) => Buffer.from(s);

let server: TestPostgres;
let dataDir: string;
let env: Record<string, string>;
let db: Stores;

before(async () => {
  server = await startPostgres();
  const url = await server.createDatabase('migration');
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrate-secrets-'));
  env = { SECRET_STORE: 'postgres', DATABASE_URL: url, SECRET_ENCRYPTION_KEY: key.toString('base64'), DATA_DIR: dataDir };
  db = await openStores({ dataDir: '/nonexistent', stores: { kind: 'postgres', databaseUrl: url, encryptionKey: key, oldEncryptionKeys: [] } });
});
after(async () => {
  await db?.close();
  await server?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function migrateSecrets(): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'migrate-secrets'], { cwd: repo, env: { ...process.env, ...env } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

test('every Secret, owner, claim and next key is copied; a second run changes nothing; a foreign owner in the database is left alone', { timeout: 120_000 }, async () => {
  const files = new FileSecretStore(path.join(dataDir, 'secrets'));
  const nextKeys = new FileSecretStore(path.join(dataDir, 'next-keys'));
  const tlsMeta = { type: 'kubernetes.io/tls', labels: { app: 'web' }, annotations: { 'cert-manager.io/certificate-name': 'web' } };
  await files.write('team-a', 'web-tls', { 'tls.crt': b('CERT'), 'tls.key': b('KEY') }, tlsMeta, { owner: 'Certificate/web' });
  await files.write('team-a', 'digicert-eab', { secret: b('hmac') }, { type: 'Opaque' }, { owner: 'applied' });
  await files.write('cert-manager', 'account', { 'tls.key': b('ACCOUNT') }, undefined, { owner: 'ClusterIssuer/le' });
  await files.claim('team-a', 'api-tls', 'Certificate/api');
  await files.write('team-b', 'unowned', { a: b('1') });
  await nextKeys.write('team-a', 'web', { 'tls.key': b('NEXT') });

  const first = await migrateSecrets();
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /Secrets: 4 created, 0 updated, 0 unchanged, 1 owner records without data, 0 owned by someone else/);
  assert.match(first.out, /next keys: 1 created/);

  const web = await db.secrets.read('team-a', 'web-tls');
  assert.equal(web?.data['tls.key']?.toString(), 'KEY');
  assert.equal(web?.data['tls.crt']?.toString(), 'CERT');
  assert.deepEqual(web?.meta, tlsMeta);
  assert.equal(await db.secrets.owner('team-a', 'web-tls'), 'Certificate/web');
  assert.equal(await db.secrets.owner('team-a', 'digicert-eab'), 'applied');
  assert.equal(await db.secrets.owner('cert-manager', 'account'), 'ClusterIssuer/le');
  assert.equal((await db.secrets.read('cert-manager', 'account'))?.data['tls.key']?.toString(), 'ACCOUNT');
  assert.equal(await db.secrets.owner('team-a', 'api-tls'), 'Certificate/api');
  assert.equal(await db.secrets.read('team-a', 'api-tls'), undefined, 'a claim stays a claim');
  assert.equal(await db.secrets.owner('team-b', 'unowned'), undefined);
  assert.equal((await db.nextKeys.read('team-a', 'web'))?.data['tls.key']?.toString(), 'NEXT');

  const again = await migrateSecrets();
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /Secrets: 0 created, 0 updated, 5 unchanged, 0 owner records without data, 0 owned by someone else/);

  // A Secret changed in the file store since is updated; one the database gives another owner is not.
  await files.write('team-a', 'web-tls', { 'tls.crt': b('CERT2'), 'tls.key': b('KEY2') }, tlsMeta, { owner: 'Certificate/web' });
  await db.secrets.release('team-a', 'digicert-eab', 'applied');
  await db.secrets.write('team-a', 'digicert-eab', { secret: b('other') }, undefined, { owner: 'Certificate/thief' });
  const third = await migrateSecrets();
  assert.equal(third.code, 1);
  assert.match(third.out, /Secrets: 0 created, 1 updated, 3 unchanged/);
  assert.match(third.err, /team-a\/digicert-eab: owned by Certificate\/thief in the target, by applied in the file store/);
  assert.equal((await db.secrets.read('team-a', 'web-tls'))?.data['tls.key']?.toString(), 'KEY2');
  assert.equal((await db.secrets.read('team-a', 'digicert-eab'))?.data['secret']?.toString(), 'other');
});

test('without SECRET_STORE=postgres it says what to set and copies nothing', { timeout: 60_000 }, async () => {
  const { code, err } = await promisify(execFile)('npm', ['run', '--silent', 'migrate-secrets'], {
    cwd: repo,
    env: { ...process.env, DATA_DIR: dataDir, SECRET_STORE: 'file' },
  }).then(
    () => ({ code: 0, err: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr }),
  );
  assert.equal(code, 1);
  assert.match(err, /set SECRET_STORE=postgres/);
});
