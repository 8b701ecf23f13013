// What only the PostgreSQL backend has: encryption at rest (no key in plaintext in any table,
// tampering detected, rotation with `npm run reencrypt`), migrations from several processes at
// once, the next-keys store beside the Secrets, and the shared HTTP-01 token store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { migrate } from './pg-migrations.ts';
import { freePort } from './ports.ts';
import { keyIdOf } from './secret-cipher.ts';
import type { StoreConfig } from './store-config.ts';
import type { PostgresSecretStore } from './pg-secret-store.ts';
import { openStores, type Stores } from './stores.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const key1 = randomBytes(32);
const key2 = randomBytes(32);

let server: TestPostgres;
let url: string;
let admin: pg.Pool;
const opened: Stores[] = [];
before(async () => {
  server = await startPostgres();
  url = await server.createDatabase('store');
  admin = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection the stopping server drops must not fail the file after its tests passed
  // (CI once saw "terminating connection due to administrator command" as an uncaught exception).
  admin.on('error', () => undefined);
});
after(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await admin?.end().catch(() => undefined);
  await server?.stop();
});

async function open(encryptionKey: Buffer, oldEncryptionKeys: Buffer[] = [], databaseUrl = url): Promise<Stores> {
  const stores: StoreConfig = { kind: 'postgres', databaseUrl, encryptionKey, oldEncryptionKeys };
  const s = await openStores({ dataDir: '/nonexistent', stores });
  opened.push(s);
  return s;
}

/** Every byte of every row of every table, as text and as raw bytes. */
async function tableDump(): Promise<{ text: string; bytes: Buffer }> {
  const tables = (await admin.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename);
  assert.ok(tables.includes('secret_values'), `tables: ${tables}`);
  let text = '';
  const bytes: Buffer[] = [];
  for (const table of tables) {
    const { rows } = await admin.query(`SELECT * FROM ${table}`);
    for (const row of rows) {
      for (const v of Object.values(row)) {
        if (Buffer.isBuffer(v)) bytes.push(v);
        else text += `${JSON.stringify(v)}\n`;
      }
    }
  }
  return { text, bytes: Buffer.concat(bytes) };
}

test('no private key, account key or EAB key is in any table in plaintext', async () => {
  const { secrets, nextKeys } = await open(key1);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const eab = randomBytes(32);
  await secrets.write(
    'default',
    'web-tls',
    { 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), 'tls.key': Buffer.from(pem) },
    { type: 'kubernetes.io/tls' },
  );
  await secrets.write('cert-manager', 'acme-account', { 'tls.key': Buffer.from(pem) });
  await secrets.write('cert-manager', 'eab', { secret: eab });
  await nextKeys.write('default', 'web-tls', { 'tls.key': der });
  const { text, bytes } = await tableDump();
  const pemBody = pem.split('\n')[1]!;
  for (const needle of ['PRIVATE KEY', 'BEGIN', pemBody, der.toString('base64').slice(0, 40), eab.toString('base64'), eab.toString('hex')]) {
    assert.ok(!text.includes(needle), `found ${needle.slice(0, 20)}... in the tables' text`);
    assert.ok(!bytes.includes(Buffer.from(needle)), `found ${needle.slice(0, 20)}... in the tables' bytes`);
  }
  for (const raw of [der.subarray(0, 24), eab.subarray(0, 16), Buffer.from(pemBody.slice(0, 24))]) assert.ok(!bytes.includes(raw), 'raw key bytes in a table');
  // And it reads back.
  assert.equal((await secrets.readKey('default', 'web-tls', 'tls.key'))?.toString(), pem);
  assert.ok((await nextKeys.readKey('default', 'web-tls', 'tls.key'))?.equals(der));
});

test('next-keys and Secrets share the tables but not their Secrets', async () => {
  const { secrets, nextKeys } = await open(key1);
  await nextKeys.write('sep', 'only-next', { 'tls.key': Buffer.from('n') });
  assert.equal(await secrets.read('sep', 'only-next'), undefined);
  await secrets.claim('sep', 'only-next', 'Certificate/x');
  assert.equal(await nextKeys.owner('sep', 'only-next'), undefined);
  assert.equal(await secrets.remove('sep', 'only-next'), false);
  assert.equal((await nextKeys.readKey('sep', 'only-next', 'tls.key'))?.toString(), 'n');
});

test('a tampered value, or a value moved to another Secret or key, does not decrypt', async () => {
  const { secrets } = await open(key1);
  await secrets.write('tamper', 'a', { 'tls.key': Buffer.from('key-a'), 'tls.crt': Buffer.from('crt-a') });
  await secrets.write('tamper', 'b', { 'tls.key': Buffer.from('key-b') });
  await admin.query(`UPDATE secret_values SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1) WHERE namespace = 'tamper' AND name = 'a' AND key = 'tls.key'`);
  await assert.rejects(secrets.readKey('tamper', 'a', 'tls.key'), /cannot decrypt .*authentication failed/);
  await assert.rejects(secrets.read('tamper', 'a'), /cannot decrypt/);
  // Copy b's value over a's tls.crt: valid ciphertext, wrong place.
  await admin.query(
    `UPDATE secret_values t SET key_id = s.key_id, nonce = s.nonce, ciphertext = s.ciphertext FROM secret_values s
     WHERE s.namespace = 'tamper' AND s.name = 'b' AND s.key = 'tls.key' AND t.namespace = 'tamper' AND t.name = 'a' AND t.key = 'tls.crt'`,
  );
  await assert.rejects(secrets.readKey('tamper', 'a', 'tls.crt'), /authentication failed/);
  assert.equal((await secrets.readKey('tamper', 'b', 'tls.key'))?.toString(), 'key-b');
});

test('rotation: old rows read with the old key listed; npm run reencrypt moves every row to the new key, idempotently', async () => {
  const db = await server.createDatabase('rotation');
  const before = await open(key1, [], db);
  for (let i = 0; i < 7; i++) await before.secrets.write('rot', `s${i}`, { 'tls.key': Buffer.from(`key${i}`), 'tls.crt': Buffer.from(`crt${i}`) });
  await before.nextKeys.write('rot', 'next', { 'tls.key': Buffer.from('next') });

  const withoutOld = await open(key2, [], db);
  await assert.rejects(withoutOld.secrets.readKey('rot', 's0', 'tls.key'), new RegExp(`key ${keyIdOf(key1)}, which is not configured`));
  const rotated = await open(key2, [key1], db);
  assert.equal((await rotated.secrets.readKey('rot', 's0', 'tls.key'))?.toString(), 'key0');

  const env = { ...process.env, SECRET_STORE: 'postgres', DATABASE_URL: db, SECRET_ENCRYPTION_KEY: key2.toString('base64'), SECRET_ENCRYPTION_OLD_KEYS: key1.toString('base64') };
  const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/reencrypt.ts'], { cwd: repo, env });
  assert.match((await run()).stdout, /re-encrypted 15 value\(s\) with key [0-9a-f]{16}; 0 value\(s\) left/);
  assert.match((await run()).stdout, /re-encrypted 0 value\(s\)/);
  const ids = new pg.Client({ connectionString: db });
  await ids.connect();
  const { rows } = await ids.query<{ key_id: string }>('SELECT DISTINCT key_id FROM secret_values');
  await ids.end();
  assert.deepEqual(
    rows.map((r) => r.key_id),
    [keyIdOf(key2)],
  );
  for (let i = 0; i < 7; i++) assert.equal((await withoutOld.secrets.readKey('rot', `s${i}`, 'tls.crt'))?.toString(), `crt${i}`);
  assert.equal((await withoutOld.nextKeys.readKey('rot', 'next', 'tls.key'))?.toString(), 'next');
});

test('four processes migrating a fresh database at once all succeed, and each migration is applied once', async () => {
  const db = await server.createDatabase('migrations');
  const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db, max: 1 }));
  try {
    const applied = await Promise.all(pools.map((p) => migrate(p)));
    assert.equal(applied.filter((a) => a.length > 0).length, 1, JSON.stringify(applied));
    const { rows } = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      rows.map((r) => r.version),
      applied.find((a) => a.length > 0),
    );
    assert.deepEqual(await migrate(pools[1]!), [], 'a later start applies nothing');
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

test('an unchanged write announces nothing; a change is announced once, with the owner it was made as', async () => {
  const [{ secrets }, { secrets: watched }] = [await open(key1), await open(key1)];
  await secrets.write('quiet', 's', { a: Buffer.from('1') });
  const seen: string[] = [];
  const w = (watched as PostgresSecretStore).watchReady((ns, n, detail) => seen.push(`${ns}/${n}${detail?.madeAs ? ` as ${detail.madeAs}` : ''}`));
  await w.ready;
  await secrets.write('quiet', 's', { a: Buffer.from('1') });
  await secrets.write('quiet', 's', { a: Buffer.from('2') });
  await secrets.write('quiet', 'owned', { a: Buffer.from('1') }, undefined, { owner: 'Certificate/owned' });
  await secrets.claim('quiet', 'claimed', 'Certificate/claimed');
  await secrets.release('quiet', 'claimed', 'Certificate/claimed');
  await new Promise((r) => setTimeout(r, 300));
  w.unsubscribe();
  assert.deepEqual(seen, ['quiet/s', 'quiet/owned as Certificate/owned', 'quiet/claimed as Certificate/claimed', 'quiet/claimed']);
});

test('an unreachable database is a clear start error naming DATABASE_URL', async () => {
  const port = await freePort();
  const stores: StoreConfig = { kind: 'postgres', databaseUrl: `postgres://postgres@127.0.0.1:${port}/none`, encryptionKey: key1, oldEncryptionKeys: [] };
  await assert.rejects(openStores({ dataDir: '/nonexistent', stores }), /cannot prepare the database at DATABASE_URL: .*ECONNREFUSED/);
});

test('HTTP-01 tokens presented by one process are answered by another', async () => {
  const [worker, api] = [await open(key1), await open(key1)];
  assert.equal(await api.http01.get('tok-1'), undefined);
  await worker.http01.present('tok-1', 'tok-1.thumb');
  assert.equal(await api.http01.get('tok-1'), 'tok-1.thumb');
  await worker.http01.present('tok-1', 'tok-1.thumb2');
  assert.equal(await api.http01.get('tok-1'), 'tok-1.thumb2');
  assert.deepEqual(await api.http01.presentedTokens(), ['tok-1']);
  await worker.http01.cleanup('tok-1');
  assert.equal(await api.http01.get('tok-1'), undefined);
  assert.equal(await api.http01.get('../etc/passwd'), undefined);
  await assert.rejects(worker.http01.present('bad token', 'x'), /invalid ACME token/);
});
