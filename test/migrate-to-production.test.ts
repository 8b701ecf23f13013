// docs/production.md "Moving from the embedded default", run for real: a certificate issued with
// the file store; its manifests exported from the API; the service stopped; `npm run
// migrate-secrets` into PostgreSQL; a new Temporal and a service on SECRET_STORE=postgres; the
// exports applied as they are. The Certificate is Ready from the copied Secret with no new order.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { openStores, type Stores } from '../platform/stores.ts';
import { startStack, type Stack } from '../scripts/stack.ts';
import { seedManifests, startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';
import { startTestTemporal } from './support/temporal.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ns = 'team-move';

/** The shell blocks docs/production.md marks as run by this test, without their `API=` line. */
async function docBlocks(): Promise<string[]> {
  const doc = await fs.readFile(path.join(root, 'docs', 'production.md'), 'utf8');
  const blocks = [...doc.matchAll(/<!-- test\/migrate-to-production\.test\.ts runs this block -->\n\s*```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => !l.startsWith('API='))
      .join('\n'),
  );
  assert.equal(blocks.length, 2, 'the export and the apply blocks');
  return blocks;
}

const bash = (script: string, cwd: string, env: Record<string, string>) =>
  promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env } });

describe('moving from the embedded default to PostgreSQL and another Temporal', () => {
  let env: TestEnv;
  let server: TestPostgres;
  let temporal: { address: string; stop(): Promise<void> } | undefined;
  let stack: Stack | undefined;
  let stores: Stores | undefined;

  before(async () => {
    [env, server] = await Promise.all([startTestEnv(), startPostgres()]);
  });
  after(async () => {
    await stack?.stop();
    await stores?.close();
    await temporal?.stop();
    await env?.stop();
    await server?.stop();
  });

  test('exported manifests applied to the new layout find their copied Secrets: Ready, no new request', async () => {
    const applied = await env.apply(seedManifests(env, { namespace: ns }));
    assert.equal(applied.status, 200, await applied.clone().text());
    const certUrl = `/apis/cert-manager.io/v1/namespaces/${ns}/certificates/web`;
    const isReady = async (call: (p: string) => Promise<Response>) => {
      const res = await call(certUrl);
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as { status: { conditions: { type: string; status: string }[] } };
      return body.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? body : undefined;
    };
    await waitFor('Ready on the embedded layout', () => isReady(env.api), 120_000, 200);
    const before = await (await env.api(`/api/v1/namespaces/${ns}/secrets/web-tls`)).json();

    // Step 3: export (the doc's own commands); step 4: stop.
    const [exportBlock, applyBlock] = await docBlocks();
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'migrate-doc-'));
    const shellEnv = { API: `http://127.0.0.1:${env.config.port}`, API_TOKEN: env.env.API_TOKEN! };
    await bash(exportBlock!, work, shellEnv);
    assert.match(await fs.readFile(path.join(work, 'export-certificates.json'), 'utf8'), /"kind":"CertificateList"/);
    await env.stack?.stop();
    env.stack = undefined;

    // Step 5: copy the Secrets.
    const url = await server.createDatabase('moved');
    const storeEnv = { SECRET_STORE: 'postgres', DATABASE_URL: url, SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'migrate-secrets'], {
      cwd: root,
      env: { ...process.env, ...storeEnv, DATA_DIR: env.config.dataDir },
    });
    assert.match(stdout, /Secrets: 3 created, 0 updated, 0 unchanged/, 'the EAB Secret, the account key and the key pair');

    // Step 6: a new Temporal and the service on PostgreSQL; step 7: apply the exports.
    temporal = await startTestTemporal();
    const config = loadConfig({ ...env.env, ...storeEnv, TEMPORAL_ADDRESS: temporal.address });
    stack = await startStack(config, temporal.address, { log: createLogger('warn', 'moved') });
    const { stdout: appliedOut } = await bash(applyBlock!, work, shellEnv);
    assert.match(appliedOut, /"kind":"Issuer".*"result":"created"/s);
    assert.match(appliedOut, /"kind":"Certificate".*"result":"created"/s);
    await fs.rm(work, { recursive: true, force: true });
    await waitFor('Ready on the new layout', () => isReady(env.api), 120_000, 200);

    const requests = (await (await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`)).json()) as { items: unknown[] };
    assert.deepEqual(requests.items, [], 'no new CertificateRequest: the copied Secret was taken as it is');
    const after = await (await env.api(`/api/v1/namespaces/${ns}/secrets/web-tls`)).json();
    assert.deepEqual(after, before, 'the same key pair, read from PostgreSQL');
    stores = await openStores(config);
    assert.equal(await stores.secrets.owner(ns, 'web-tls'), 'Certificate/web');
  });
});
