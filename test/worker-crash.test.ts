// A worker killed (SIGKILL) in the middle of an issuance loses nothing: a new worker finishes
// it, with one CertificateRequest for the revision and no challenge response left presented.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function startWorkerProcess(env: TestEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'worker.ts')], {
    cwd: root,
    env: { ...process.env, ...env.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('worker killed mid-issuance', () => {
  let env: TestEnv;
  let worker: ChildProcess | undefined;
  before(async () => {
    // Pebble sleeps up to 2 s before validating, so there is a window with a challenge presented.
    env = await startTestEnv({ stack: { worker: false }, pebble: { env: { PEBBLE_VA_NOSLEEP: '0', PEBBLE_VA_SLEEPTIME: '2' } } });
  });
  after(async () => {
    worker?.kill('SIGKILL');
    await env?.stop();
  });

  test('a new worker finishes the issuance: Ready, one request, no challenge left presented', async () => {
    const presentedDir = path.join(env.config.dataDir, 'http01');
    const presented = async () => (await fs.readdir(presentedDir).catch(() => [])).filter((f) => !f.startsWith('.'));
    worker = startWorkerProcess(env);
    const res = await env.apply(seedManifests(env));
    assert.equal(res.status, 200);

    await waitFor('a challenge to be presented', async () => ((await presented()).length > 0 ? true : undefined), 60_000, 5);
    worker.kill('SIGKILL');
    await exited(worker);
    const leftBehind = await presented();
    assert.equal(leftBehind.length, 1, 'the killed worker left its challenge presented');

    worker = startWorkerProcess(env);
    const cert = await waitReady(env, 'default', 'web', 120_000);
    assert.equal(cert.status.revision, 1);

    const requests = (await (await env.api('/apis/cert-manager.io/v1/namespaces/default/certificaterequests')).json()) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      requests.items.map((r) => r.metadata.name),
      ['web-1'],
    );
    const orders = (await (await env.api('/apis/acme.cert-manager.io/v1/namespaces/default/orders')).json()) as { items: unknown[] };
    assert.equal(orders.items.length, 1);
    assert.deepEqual(await presented(), [], 'no challenge response is left presented');

    const dir = path.join(env.config.dataDir, 'secrets', 'default', 'web-tls');
    const leaf = new X509Certificate(await fs.readFile(path.join(dir, 'tls.crt')));
    assert.ok(leaf.checkPrivateKey(createPrivateKey(await fs.readFile(path.join(dir, 'tls.key')))));
    worker.kill('SIGTERM');
    await exited(worker);
  });
});
