// Delivery to a web server, all real: Temporal, Pebble, a worker, the API (started and stopped on
// its own), the sync agent as a separate process (certctl sync) with a token scoped to two
// Secrets, and nginx from the Debian package serving the mirrored files on a loopback port.
// A forced renewal switches the files atomically and reloads nginx exactly once; with the API
// stopped the files stay, nginx keeps serving, the agent retries; a renewal made meanwhile
// arrives once the API is back (the HTTP-01 responder, which the API process also runs, is
// served on its own meanwhile, so the renewal can complete).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { http01App } from '../api/http01/responder.ts';
import { createLogger } from '../platform/logger.ts';
import { freePort } from '../platform/ports.ts';
import { openStores } from '../platform/stores.ts';
import { readSnapshot } from '../platform/versioned-dir.ts';
import { certificateWorkflowId } from '../resources/ids.ts';
import { renewCertificate } from '../resources/messages.ts';
import { startStack, type Stack } from '../scripts/stack.ts';
import { startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import { applyResults, certificateYaml, issuerYaml, readLeaf, renew, sleep, waitRevision } from './support/lifecycle-helpers.ts';

const NS = 'web';
const SITES = ['site-a', 'site-b'] as const;
const RELOAD_DELAY_MS = 500;
const root = path.resolve(import.meta.dirname, '..');

// Debian installs it in /usr/sbin, which a non-root PATH may lack.
const NGINX = process.env.NGINX_BIN ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
const nginxMissing = spawnSync(NGINX, ['-v']).error !== undefined;

describe('sync agent and a real nginx', { skip: nginxMissing && 'nginx is not installed (apt-get install nginx-light)' }, () => {
  let tmp: string;
  let env: TestEnv;
  let api: Stack | undefined;
  let agent: ChildProcess | undefined;
  let nginxUp = false;
  let nginxPort: number;
  let mirror: string;
  let reloadsFile: string;
  let nginxArgs: string[];
  const logs: { msg: string; [k: string]: unknown }[] = [];
  const readerToken = `reader-${randomBytes(16).toString('hex')}`;

  const startApi = async () => {
    api = await startStack(env.config, env.temporalAddress, { worker: false, log: createLogger(env.config.logLevel, 'api') });
  };
  const reloads = async () => (await fs.readFile(reloadsFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const mirroredLeaf = async (site: string) => new X509Certificate(await fs.readFile(path.join(mirror, NS, `${site}-tls`, 'tls.crt')));
  const served = (site: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: nginxPort, servername: `${site}.example.test`, rejectUnauthorized: false }, () => {
        const serial = socket.getPeerCertificate().serialNumber;
        socket.end();
        resolve(serial.toUpperCase());
      });
      socket.on('error', reject);
    });
  const logCount = (msg: string) => logs.filter((l) => l.msg === msg).length;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-nginx-'));
    mirror = path.join(tmp, 'mirror');
    reloadsFile = path.join(tmp, 'reloads');
    const readers = path.join(tmp, 'readers.yaml');
    await fs.writeFile(readers, `- name: nginx-host\n  token: ${readerToken}\n  rules:\n    - namespace: ${NS}\n      names: [site-a-tls, site-b-tls]\n`);
    env = await startTestEnv({ stack: { api: false }, config: { API_SECRET_READERS_FILE: readers } });
    await startApi();
  });

  after(async () => {
    agent?.kill('SIGTERM');
    if (nginxUp) spawnSync(NGINX, [...nginxArgs, '-s', 'stop']);
    await api?.stop();
    await env?.stop();
    if (process.env.KEEP_TMP) console.log(`kept ${tmp}`);
    else await fs.rm(tmp, { recursive: true, force: true });
  });

  test('two Certificates, mirrored by the agent with a scoped token, served by nginx', async () => {
    const yaml = [issuerYaml(env, NS), ...SITES.map((name) => certificateYaml({ namespace: NS, name }))].join('---\n');
    assert.deepEqual(await applyResults(env, yaml), ['created', 'created', 'created', 'created']);
    await Promise.all(SITES.map((s) => waitRevision(env, NS, s, 1, 90_000)));

    // The scoped token reads its two Secrets and nothing else (not the Issuer's ACME account key).
    const asReader = (p: string) => fetch(`http://127.0.0.1:${env.config.port}${p}`, { headers: { authorization: `Bearer ${readerToken}` } });
    assert.equal((await asReader(`/api/v1/namespaces/${NS}/secrets/site-a-tls`)).status, 200);
    assert.equal((await asReader(`/api/v1/namespaces/${NS}/secrets/pebble-account-key`)).status, 403);
    assert.equal((await asReader(`/apis/cert-manager.io/v1/namespaces/${NS}/certificates`)).status, 403);

    nginxPort = await freePort();
    nginxArgs = ['-p', tmp, '-c', path.join(tmp, 'nginx.conf'), '-e', path.join(tmp, 'error.log')];
    const reloadScript = path.join(tmp, 'reload.sh');
    await fs.writeFile(reloadScript, `#!/bin/sh\necho reload >> ${reloadsFile}\nexec ${NGINX} ${nginxArgs.join(' ')} -s reload\n`, { mode: 0o755 });
    await fs.writeFile(path.join(tmp, 'nginx.conf'), nginxConf(tmp, nginxPort, mirror));

    const tokenFile = path.join(tmp, 'agent.token');
    await fs.writeFile(tokenFile, `${readerToken}\n`, { mode: 0o600 });
    const started = Date.now();
    agent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'scripts/certctl.ts'),
        'sync',
        '--api-url',
        `http://127.0.0.1:${env.config.port}`,
        '--token-file',
        tokenFile,
        '--dir',
        mirror,
        '--secrets',
        SITES.map((s) => `${NS}/${s}-tls`).join(','),
        '--reload-command',
        reloadScript,
        '--reload-delay',
        `${RELOAD_DELAY_MS}ms`,
        '--retry-min',
        '200ms',
        '--retry-max',
        '1s',
      ],
      { cwd: root, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let partial = '';
    agent.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          logs.push(JSON.parse(line));
        } catch {
          logs.push({ msg: line });
        }
      }
    });

    await waitFor('both Secrets mirrored', async () => (logCount('in sync with the API') >= 2 ? true : undefined), 30_000);
    console.log(`agent: both Secrets mirrored ${Date.now() - started} ms after start`);
    for (const site of SITES) {
      const dir = path.join(mirror, NS, `${site}-tls`);
      assert.equal(await fs.readlink(path.join(dir, 'tls.crt')), '..data/tls.crt');
      assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
      assert.equal((await fs.stat(path.join(dir, 'tls.key'))).mode & 0o777, 0o600);
      assert.equal((await mirroredLeaf(site)).serialNumber, (await readLeaf(env, NS, `${site}-tls`)).serialNumber);
    }
    // Two Secrets written in one burst: one reload (nginx is not running yet, so it fails, logged).
    await waitFor('the first reload', async () => ((await reloads()) >= 1 ? true : undefined), 10_000);
    await sleep(RELOAD_DELAY_MS * 3);
    assert.equal(await reloads(), 1);
    assert.equal(logCount('reload command failed'), 1);

    const run = spawnSync(NGINX, nginxArgs, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    nginxUp = true;
    for (const site of SITES) {
      const serial = await waitFor(`nginx serving ${site}`, () => served(site), 10_000);
      assert.equal(serial, (await mirroredLeaf(site)).serialNumber);
    }
  });

  test('a forced renewal: files switch atomically, nginx reloads exactly once and serves the new serial', async () => {
    const before = await reloads();
    const oldA = (await mirroredLeaf('site-a')).serialNumber;
    const bVersion = await fs.readlink(path.join(mirror, NS, 'site-b-tls', '..data'));

    // A reader resolving ..data once must always find a key that matches its certificate.
    let samples = 0;
    let mismatches = 0;
    const serials = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const snap = await readSnapshot(path.join(mirror, NS, 'site-a-tls'));
        if (snap) {
          samples++;
          const cert = new X509Certificate(snap.files['tls.crt']!);
          serials.add(cert.serialNumber);
          if (!cert.checkPrivateKey(createPrivateKey(snap.files['tls.key']!))) mismatches++;
        }
        await sleep(5);
      }
    })();

    const renewedAt = Date.now();
    await renew(env, NS, 'site-a');
    await waitRevision(env, NS, 'site-a', 2, 90_000);
    const newA = (await readLeaf(env, NS, 'site-a-tls')).serialNumber;
    assert.notEqual(newA, oldA);
    await waitFor('the new certificate mirrored', async () => ((await mirroredLeaf('site-a')).serialNumber === newA ? true : undefined), 15_000);
    const mirroredMs = Date.now() - renewedAt;
    await waitFor('a reload', async () => ((await reloads()) > before ? true : undefined), 10_000);
    await sleep(RELOAD_DELAY_MS * 4);
    sampling = false;
    await sampler;
    assert.equal(await reloads(), before + 1, 'exactly one reload');
    assert.equal(logs.filter((l) => l.msg === 'reload command succeeded').length, 1);
    assert.equal(mismatches, 0, `key and certificate matched in all ${samples} samples`);
    assert.ok(serials.has(oldA) && serials.has(newA), 'the sampler saw both versions');
    assert.equal(await fs.readlink(path.join(mirror, NS, 'site-b-tls', '..data')), bVersion, 'site-b was not rewritten');

    const serial = await waitFor('nginx serving the new serial', async () => ((await served('site-a')) === newA ? newA : undefined), 10_000);
    assert.equal(serial, newA);
    assert.equal(await served('site-b'), (await mirroredLeaf('site-b')).serialNumber);
    console.log(`renewal: mirrored ${mirroredMs} ms after the renew request (issuance included); ${samples} atomicity samples, 0 mismatches`);
  });

  test('with the API stopped the files stay, nginx serves, the agent retries; a renewal made meanwhile arrives when the API is back', async () => {
    const before = await reloads();
    const aSerial = (await mirroredLeaf('site-a')).serialNumber;
    const oldB = (await mirroredLeaf('site-b')).serialNumber;
    await api!.stop();
    api = undefined;
    // Counted once the API is gone: retries during its stop see its 503s, not a refused connection.
    const failuresBefore = logCount('cannot watch the API; keeping the files, retrying');
    const stoppedAt = Date.now();
    await waitFor('the agent retrying', async () => (logCount('cannot watch the API; keeping the files, retrying') >= failuresBefore + 4 ? true : undefined), 20_000);
    const retries = logs.filter((l) => l.msg === 'cannot watch the API; keeping the files, retrying').slice(failuresBefore);
    assert.match(String(retries.at(-1)!.err), /ECONNREFUSED/, 'the API is gone, not refusing');
    assert.equal((await mirroredLeaf('site-a')).serialNumber, aSerial);
    assert.equal(await served('site-a'), aSerial, 'nginx keeps serving');

    // The worker and Temporal are up: renew site-b without the API (a signal, as the API sends).
    // The API process also serves HTTP-01 challenges: serve them alone meanwhile.
    const stores = await openStores(env.config);
    const responder = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: http01App(stores.http01).fetch, port: env.config.http01Port, hostname: env.config.http01Host }, () => resolve(s));
    });
    await env.client.workflow.getHandle(certificateWorkflowId(NS, 'site-b')).signal(renewCertificate);
    const newB = await waitFor(
      'site-b renewed in the store',
      async () => {
        const s = (await readLeaf(env, NS, 'site-b-tls')).serialNumber;
        return s !== oldB ? s : undefined;
      },
      90_000,
      200,
    );
    assert.equal((await mirroredLeaf('site-b')).serialNumber, oldB, 'not mirrored while the API is down');
    assert.equal(await served('site-b'), oldB);
    assert.equal(await reloads(), before);

    await new Promise((r) => responder.close(r));
    await stores.close();
    const syncsBefore = logCount('in sync with the API');
    await startApi();
    const restartedAt = Date.now();
    await waitFor('site-b caught up', async () => ((await mirroredLeaf('site-b')).serialNumber === newB ? true : undefined), 15_000);
    const caughtUpMs = Date.now() - restartedAt;
    await waitFor('the reload', async () => ((await reloads()) > before ? true : undefined), 10_000);
    await sleep(RELOAD_DELAY_MS * 4);
    assert.equal(await reloads(), before + 1, 'one reload for the caught-up Secret, none for the unchanged one');
    assert.ok(logCount('in sync with the API') >= syncsBefore + 2, 'both watches listed again');
    assert.equal(await waitFor('nginx serving site-b anew', async () => ((await served('site-b')) === newB ? newB : undefined), 10_000), newB);
    assert.equal(await served('site-a'), aSerial);
    console.log(`outage: API down ${restartedAt - stoppedAt} ms, ${retries.length}+ retries logged; caught up ${caughtUpMs} ms after the API restarted`);
  });
});

function nginxConf(prefix: string, port: number, mirror: string): string {
  const server = (site: string) => `
  server {
    listen 127.0.0.1:${port} ssl;
    server_name ${site}.example.test;
    ssl_certificate ${mirror}/${NS}/${site}-tls/tls.crt;
    ssl_certificate_key ${mirror}/${NS}/${site}-tls/tls.key;
    location / { return 200 "${site}\\n"; }
  }`;
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp;
  proxy_temp_path ${prefix}/tmp;
  fastcgi_temp_path ${prefix}/tmp;
  uwsgi_temp_path ${prefix}/tmp;
  scgi_temp_path ${prefix}/tmp;
${SITES.map(server).join('\n')}
}
`;
}
