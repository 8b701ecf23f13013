// The README's production commands (`npm run worker`, `npm run api` with TEMPORAL_ADDRESS) against
// a Temporal that `npm start` did not prepare: a dev server started without any of the service's
// search attributes, standing in for a self-hosted cluster. They register what is missing and
// issue a certificate. Where attributes are missing anyway, /readyz and apply say what to do.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { checkSearchAttributes } from '../platform/search-attribute-setup.ts';
import { SEARCH_ATTRIBUTES } from '../resources/search-attributes.ts';
import { connectClient } from '../platform/temporal-connection.ts';
import { loadConfig } from '../platform/config.ts';
import { startStack, type Stack } from '../scripts/stack.ts';
import { freePort } from '../platform/ports.ts';
import { findTool } from '../platform/tools.ts';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmRun(script: string, env: Record<string, string>): ChildProcess {
  // detached: npm runs the build, then node; kill the whole group at the end.
  return spawn(npm, ['run', '--silent', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
}

const stopGroup = (child: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });

describe('production commands against a Temporal set up by hand', () => {
  let env: TestEnv;
  let worker: ChildProcess | undefined;
  let api: ChildProcess | undefined;
  before(async () => {
    env = await startTestEnv({ stack: false, bareTemporal: true });
  });
  after(async () => {
    await Promise.all([stopGroup(worker), stopGroup(api)]);
    await env?.stop();
  });

  test('npm run worker and npm run api register the search attributes and issue a certificate', async () => {
    const before = await checkSearchAttributes(env.client.connection, 'default');
    assert.deepEqual(before.missing.sort(), Object.keys(SEARCH_ATTRIBUTES).sort(), 'the server starts with none of them');

    worker = npmRun('worker', env.env);
    api = npmRun('api', env.env);
    const ready = await waitFor(
      '/readyz to answer ok',
      async () => {
        const res = await env.api('/readyz').catch(() => undefined);
        return res?.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      },
      90_000,
      250,
    );
    assert.equal(ready['searchAttributes'], 'registered');

    const res = await env.apply(seedManifests(env));
    assert.equal(res.status, 200, await res.clone().text());
    const cert = await waitReady(env, 'default', 'web', 120_000);
    assert.equal(cert.status.revision, 1);
  });

  test('without the attributes, /readyz names them and an apply is a 503 that says what to do', async () => {
    // A second namespace that nobody set up, and an API that is not allowed to fix it: its
    // attributes are removed again after it started.
    const namespace = 'bare';
    execFileSync(findTool('temporal'), ['operator', 'namespace', 'create', '--address', env.temporalAddress, '--namespace', namespace], { stdio: 'ignore' });
    await waitFor('namespace to exist', async () => ((await checkSearchAttributes(env.client.connection, namespace)).namespaceExists ? true : undefined), 30_000, 250);
    const config = loadConfig({ ...env.env, TEMPORAL_NAMESPACE: namespace, PORT: String(await freePort()), HTTP01_PORT: '0' });
    const stack: Stack = await startStack(config, env.temporalAddress, { worker: false });
    try {
      const client = await connectClient(config, env.temporalAddress);
      await client.connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: Object.keys(SEARCH_ATTRIBUTES) });
      await client.connection.close();
      const base = `http://127.0.0.1:${stack.api!.port}`;
      const readyz = await waitFor(
        '/readyz to report missing attributes',
        async () => {
          const r = await fetch(`${base}/readyz`);
          return r.status === 503 ? ((await r.json()) as { missingSearchAttributes?: string[]; message?: string }) : undefined;
        },
        30_000,
        250,
      );
      assert.deepEqual(readyz.missingSearchAttributes?.sort(), Object.keys(SEARCH_ATTRIBUTES).sort());
      assert.match(readyz.message ?? '', /temporal operator search-attribute create --namespace bare/);

      const applied = await waitFor(
        'apply to be refused with 503',
        async () => {
          const r = await fetch(`${base}/v1/manifests`, {
            method: 'POST',
            headers: { 'content-type': 'application/yaml', authorization: `Bearer ${env.env['API_TOKEN']}` },
            body: seedManifests(env, { namespace: 'team-a' }),
          });
          return r.status === 503 ? ((await r.json()) as { message: string }) : undefined;
        },
        30_000,
        500,
      );
      assert.match(applied.message, /not registered on Temporal namespace "bare".*temporal operator search-attribute create/);
    } finally {
      await stack.stop();
    }
  });
});
