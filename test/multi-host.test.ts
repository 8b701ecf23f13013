// Leader-free scale-out with SECRET_STORE=postgres: two workers and two API processes, each its
// own OS process with its own empty working directory and DATA_DIR (as on four machines), one
// Temporal, one PostgreSQL, Pebble. Pebble validates HTTP-01 against API B only, so every token a
// worker presents is answered by B through the database. 20 Certificates are applied through API
// A and read through API B; one worker is SIGKILLed while they issue and the other finishes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { stringify } from 'yaml';
import { freePort } from '../platform/ports.ts';
import { seedManifests, startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import { allHistoriesText, pemBodyLines, signalsReceived } from './support/history.ts';
import { certificateWorkflowId } from '../resources/ids.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// An absolute loader: the processes run in empty directories, where `--import tsx` finds nothing.
const tsxLoader = import.meta.resolve('tsx');
const N = 20;
const ns = 'team-multi';

interface Part {
  name: string;
  dir: string;
  child: ChildProcess;
  /** API only: http://127.0.0.1:<port> */
  base?: string;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

interface Listed {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] }; spec?: Record<string, unknown> }[];
}

describe('two workers and two API processes sharing only Temporal and PostgreSQL', () => {
  let server: TestPostgres;
  let env: TestEnv;
  const parts: Part[] = [];

  async function startPart(name: string, script: 'worker' | 'api', extra: Record<string, string> = {}): Promise<Part> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `multihost-${name}-`));
    const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'scripts', `${script}.ts`)], {
      cwd: dir,
      env: { ...process.env, ...env.env, DATA_DIR: dir, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const part: Part = { name, dir, child, ...(extra.PORT && { base: `http://127.0.0.1:${extra.PORT}` }) };
    parts.push(part);
    return part;
  }

  const call = (api: Part, pathname: string, init: RequestInit = {}) => {
    const token = pathname.startsWith('/api/v1/') && pathname.includes('/secrets/') ? env.env.API_SECRETS_TOKEN : env.env.API_TOKEN;
    return fetch(`${api.base}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  };
  const list = async (api: Part, pathname: string): Promise<Listed> => {
    const res = await call(api, pathname);
    assert.equal(res.status, 200, `${pathname}: ${await res.clone().text()}`);
    return (await res.json()) as Listed;
  };
  const ready = (item: Listed['items'][number]) => item.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

  before(async () => {
    server = await startPostgres();
    const url = await server.createDatabase('multihost');
    // No service in this process: every part below is a process of its own. HTTP01_PORT (where
    // Pebble validates and the workers self-check) is API B's.
    env = await startTestEnv({
      stack: false,
      config: { SECRET_STORE: 'postgres', DATABASE_URL: url, SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' },
    });
  });

  after(async () => {
    for (const p of parts) p.child.kill('SIGKILL');
    await Promise.all(parts.map((p) => exited(p.child)));
    await env?.stop();
    await server?.stop();
    await Promise.all(parts.map((p) => fs.rm(p.dir, { recursive: true, force: true })));
  });

  test('20 Certificates applied through A, read through B, one worker killed mid-issuance: all Ready, one request each, nothing left, no key in clear', async () => {
    const [apiA, apiB] = await Promise.all([
      startPart('api-a', 'api', { PORT: String(await freePort()), HTTP01_PORT: String(await freePort()) }),
      startPart('api-b', 'api', { PORT: String(await freePort()), HTTP01_PORT: env.env.HTTP01_PORT! }),
    ]);
    const [worker1, worker2] = await Promise.all([startPart('worker-1', 'worker'), startPart('worker-2', 'worker')]);
    for (const api of [apiA!, apiB!]) {
      await waitFor(`${api.name} ready`, async () => ((await call(api, '/readyz').catch(() => undefined))?.status === 200 ? true : undefined), 120_000, 250);
    }

    const certificates = Array.from({ length: N }, (_, i) => `web-${i}`);
    const manifests = [
      seedManifests(env, { namespace: ns, certificate: 'seed' }).split('---\n').slice(0, 2).join('---\n'),
      ...certificates.map((name) =>
        stringify({
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name, namespace: ns },
          spec: { dnsNames: [`${name}.example.test`], secretName: `${name}-tls`, issuerRef: { name: 'pebble' } },
        }),
      ),
    ].join('---\n');
    const t0 = Date.now();
    const applied = await call(apiA!, '/v1/manifests', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: manifests });
    assert.equal(applied.status, 200, await applied.clone().text());

    // Kill a worker once both have been issuing for a while (a few Secrets written, so each has
    // heard the other's writes) and the rest are under way.
    const orders = `/apis/acme.cert-manager.io/v1/namespaces/${ns}/orders`;
    const certs = `/apis/cert-manager.io/v1/namespaces/${ns}/certificates`;
    await waitFor('a few Certificates Ready', async () => ((await list(apiB!, certs)).items.filter(ready).length >= 3 ? true : undefined), 180_000, 100);
    const readyAtKill = (await list(apiB!, certs)).items.filter(ready).length;
    const ordersAtKill = (await list(apiB!, orders)).items.length;
    worker1!.child.kill('SIGKILL');
    await exited(worker1!.child);
    assert.ok(readyAtKill < N, `the worker was killed before all were Ready (${readyAtKill} Ready)`);

    await waitFor(
      `all ${N} Ready through API B`,
      async () => {
        const items = (await list(apiB!, certs)).items;
        return items.length === N && items.every(ready) ? true : undefined;
      },
      360_000,
      500,
    );
    const elapsed = Date.now() - t0;
    assert.ok(worker2!.child.exitCode === null, 'the other worker is still running');

    // Read through B: each Certificate, its single CertificateRequest, its key pair.
    const requests = (await list(apiB!, `/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`)).items.map((r) => r.metadata.name).sort();
    assert.deepEqual(requests, certificates.map((c) => `${c}-1`).sort(), 'exactly one CertificateRequest per Certificate');
    const keys: string[] = [];
    for (const name of certificates) {
      const res = await call(apiB!, `${certs}/${name}`);
      assert.equal(res.status, 200);
      assert.ok(ready((await res.json()) as Listed['items'][number]), `${name} Ready on GET`);
      const secret = await call(apiB!, `/api/v1/namespaces/${ns}/secrets/${name}-tls`);
      assert.equal(secret.status, 200, `${name}-tls through B`);
      const data = ((await secret.json()) as { data: Record<string, string> }).data;
      const crt = Buffer.from(data['tls.crt']!, 'base64').toString();
      const key = Buffer.from(data['tls.key']!, 'base64').toString();
      const leaf = new X509Certificate(crt.split(/(?=-----BEGIN CERTIFICATE-----)/)[0]!);
      assert.ok(leaf.checkPrivateKey(createPrivateKey(key)), `${name}: tls.key matches tls.crt`);
      assert.ok(leaf.subjectAltName?.includes(`${name}.example.test`));
      keys.push(key);
    }

    // Nothing left behind in the database, and no key in clear in any column of any table.
    const db = new pg.Client({ connectionString: env.env.DATABASE_URL });
    await db.connect();
    try {
      const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
      assert.equal(await count('SELECT count(*)::int AS n FROM http01_tokens'), 0, 'no HTTP-01 token left presented');
      assert.equal(await count("SELECT count(*)::int AS n FROM secret_objects WHERE store = 'next-keys'"), 0, 'no prepared key left behind');
      const tables = (await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename);
      const needles = ['PRIVATE KEY', env.eab.hmacKey, ...keys.flatMap((k) => pemBodyLines(k).slice(0, 1))];
      let cells = 0;
      for (const table of tables) {
        for (const row of (await db.query(`SELECT * FROM ${table}`)).rows as Record<string, unknown>[]) {
          for (const [column, v] of Object.entries(row)) {
            cells++;
            const raw = Buffer.isBuffer(v) ? v : Buffer.from(v instanceof Date ? v.toISOString() : String(v));
            for (const needle of needles) assert.ok(!raw.includes(Buffer.from(needle)), `${table}.${column} holds ${needle.slice(0, 16)}... in clear`);
          }
        }
      }
      assert.ok(cells > N * 4, `scanned ${cells} cells`);
    } finally {
      await db.end();
    }

    const histories = await allHistoriesText(env.client);
    assert.ok(histories.count >= N * 4, `histories: ${histories.count}`);
    for (const needle of ['PRIVATE KEY', env.eab.hmacKey, ...keys.flatMap((k) => pemBodyLines(k))]) {
      assert.ok(!histories.text.includes(needle), `${needle.slice(0, 16)}... in a workflow history`);
    }

    // Each Secret was written by its own Certificate's issuance, on one worker or the other: no
    // worker woke a Certificate for it (each hears the other's writes through NOTIFY).
    for (const name of certificates) {
      const signals = await signalsReceived(env.client, certificateWorkflowId(ns, name));
      assert.ok(!signals.includes('secretChanged'), `${name} was woken by its own issuance: ${signals}`);
    }

    // No part wrote anything in its working directory (which is also its DATA_DIR).
    for (const p of parts) assert.deepEqual(await fs.readdir(p.dir), [], `${p.name} wrote into ${p.dir}`);
    console.log(`multi-host: ${N} Ready ${elapsed} ms after the apply; worker-1 was killed with ${readyAtKill} Ready and ${ordersAtKill} Orders started`);
  });
});
