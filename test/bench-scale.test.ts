// `npm run bench:scale` at a small N, so the scale bench cannot rot: it runs end to end against
// real Temporal and Pebble, exits 0, and reports every figure; no Certificate is listed Ready at
// its new revision before its Secret was written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ScaleResults } from '../scripts/bench/scale-report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'bench-scale.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('bench:scale at N=24 in 3 namespaces (a storm of 15) exits 0 and prints every figure', { timeout: 300_000 }, async () => {
  const { code, stdout, stderr } = await runBench({
    BENCH_SCALE_N: '24',
    BENCH_SCALE_PER_NAMESPACE: '10',
    BENCH_SCALE_APPLY_BATCH: '10',
    BENCH_SCALE_CONCURRENCY: '8',
    BENCH_SCALE_STORM_N: '15', // a storm of part of N: the first two namespaces, the second half full
    BENCH_SCALE_IDLE_SECONDS: '3',
    BENCH_SCALE_SETTLE_SECONDS: '1',
    BENCH_SCALE_POLL_MS: '500',
    BENCH_SCALE_LIST_REPS: '2',
    BENCH_SCALE_SECRET_SAMPLES: '2',
    BENCH_SCALE_STALL_SECONDS: '120',
    RECORD_HISTORIES: '0', // `npm run record-histories` runs this file too; the bench's runs are no fixtures
  });
  assert.equal(code, 0, `exit ${code}\n${stdout}\n${stderr.slice(-6000)}`);
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_SCALE_JSON '));
  assert.ok(line, `no BENCH_SCALE_JSON line:\n${stdout}`);
  const r = JSON.parse(line.slice('BENCH_SCALE_JSON '.length)) as ScaleResults;
  const positive = (what: string, x: number) => assert.ok(Number.isFinite(x) && x > 0, `${what} = ${x}`);
  const finite = (what: string, x: number) => assert.ok(Number.isFinite(x) && x >= 0, `${what} = ${x}`);

  assert.equal(r.issue.n, 24);
  positive('issue seconds', r.issue.seconds);
  positive('issue certs/s', r.issue.certsPerSecond);
  assert.equal(r.issue.apply.requests, 3);
  positive('first apply request seconds', r.issue.apply.firstRequestSeconds);
  const items = Object.fromEntries(r.lists.map((l) => [l.what, l.items]));
  assert.deepEqual(
    [
      items['Certificates, one namespace'],
      items['Certificates, all namespaces'],
      items['Certificates, all namespaces, limit=500'],
      items['Certificates, all namespaces, labelSelector'],
      items['CertificateRequests, all namespaces'],
    ],
    [10, 24, 24, 8, 24],
  );
  // A retried order would add one; every Certificate has at least its own.
  for (const kind of ['CertificateRequests', 'Orders', 'Challenges']) assert.ok((items[`${kind}, one namespace`] ?? 0) >= 10, `${kind}: ${items[`${kind}, one namespace`]}`);
  for (const l of r.lists) positive(`${l.what} p50`, l.p50Ms);
  for (const k of ['worker', 'api', 'temporal', 'total'] as const) {
    finite(`idle CPU ${k}`, r.idleCpuPercentOfCore[k]);
    finite(`CPU while settling ${k}`, r.settlingCpuPercentOfCore[k]);
  }
  assert.equal(r.settlingCpuPercentOfCore.seconds, 1);
  for (const k of ['worker', 'api', 'temporal', 'workerPlusApi'] as const) {
    positive(`RSS ${k}`, r.rssMiB.atN[k]);
    positive(`RSS at the last Ready ${k}`, r.rssMiB.atLastReady[k]);
  }
  assert.equal(r.storm.n, 15);
  assert.equal(r.floor.n, 15, 'the floor issues as many as the storm renews');
  positive('storm seconds', r.storm.seconds);
  positive('floor seconds', r.floor.secondsForN);
  positive('storm/floor', r.stormToFloorRatio);
  // Each phase's issuances cost the worker (or the floor's acme-client, in the bench) some CPU.
  positive('issue CPU/cert, worker', r.cpuMsPerCert.issue.worker);
  positive('storm CPU/cert, worker', r.cpuMsPerCert.storm.worker);
  positive('floor CPU/cert, bench', r.cpuMsPerCert.floor.bench);
  assert.equal(r.cpuMsPerCert.floor.worker, 0, 'the worker is stopped during the floor');
  // Ready at a new revision is only ever shown after its Secret was switched.
  for (const [what, s] of [
    ['GET', r.secretToReady.single.getMs],
    ['list', r.secretToReady.single.listMs],
    ['storm', r.secretToReady.storm],
  ] as const) {
    assert.ok(Number.isFinite(s.p50) && s.min >= 0, `Secret written → Ready (${what}): ${JSON.stringify(s)}`);
  }
  for (const label of [
    'issue N',
    'in one request',
    'list Certificates, one namespace',
    'after the last Ready',
    'idle CPU total',
    'RSS at the last Ready',
    'RSS at N worker + API',
    'renewal storm',
    'floor',
    'storm / floor',
    'CPU ms/cert, storm',
    'Secret written → Ready',
  ]) {
    assert.ok(stdout.includes(label), `table lacks "${label}":\n${stdout}`);
  }
});
