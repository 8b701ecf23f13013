// `npm run bench:scale`: N certificates (BENCH_SCALE_N, default 1,000) on one machine against
// Pebble, with the worker and the API each in its own process: time to issue N, list latencies,
// idle CPU and RSS at N, a renewal storm beside the floor (a bare acme-client loop), and how long
// after a Secret is written the API shows Ready. Prints a table and `BENCH_SCALE_JSON {...}`;
// exits 1 on failure. Knobs: scripts/bench/scale-params.ts.
import os from 'node:os';
import { startTestEnv, type TestEnv } from '../test/support/env.ts';
import { floorIssuer } from './bench/floor.ts';
import { round2, throughput } from './bench/measure.ts';
import { sampleRss, type RssSampler } from './bench/rss.ts';
import { issueAll } from './bench/scale-issue.ts';
import { measureLists } from './bench/scale-lists.ts';
import { clusterIssuerYaml, CLUSTER_ISSUER } from './bench/scale-manifests.ts';
import { Layout, scaleParams } from './bench/scale-params.ts';
import { cpuMark, idleCpu, phaseCpu, rssMiB, temporalPid, type Procs } from './bench/scale-procs.ts';
import { getJson, isReady, type Listed } from './bench/scale-ready.ts';
import { printScaleReport, type ScaleResults } from './bench/scale-report.ts';
import { singleSecretToReady, stormSecretToReady } from './bench/scale-secret-ready.ts';
import { renewalStorm } from './bench/scale-storm.ts';
import { startWorkerProcess, type WorkerProcess } from './bench/service.ts';

const t0 = performance.now();
const log = (s: string) => console.error(`[bench:scale ${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}`);
const loadAvg1mAtStart = round2(os.loadavg()[0]!);
const p = scaleParams();
const layout = new Layout(p.n, p.perNamespace);

let env: TestEnv | undefined;
let worker: WorkerProcess | undefined;
let api: WorkerProcess | undefined;
const samplers: RssSampler[] = [];
let cleaning: Promise<void> | undefined;
const shuttingDown = new AbortController();
const cleanup = () =>
  (cleaning ??= (async () => {
    shuttingDown.abort(new Error('the bench is shutting down'));
    for (const s of samplers) s.stop();
    setTimeout(() => {
      log('cleanup still running after 60 s: exiting, temp dirs may be left behind');
      process.exit(1);
    }, 60_000).unref();
    await worker?.stop().catch((err: unknown) => log(`stopping the worker: ${String(err)}`));
    await api?.stop().catch((err: unknown) => log(`stopping the API: ${String(err)}`));
    await env?.stop().catch((err: unknown) => log(`stopping the environment: ${String(err)}`));
  })());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    shuttingDown.signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function run(): Promise<ScaleResults> {
  log(`N=${p.n}: starting Temporal dev server (SQLite ${p.temporalDb}), Pebble + challtestsrv`);
  env = await startTestEnv({
    stack: false,
    persistent: p.temporalDb === 'file',
    // A renewal must cost what a first issuance costs, as it does for the floor's fresh account.
    pebble: { env: { PEBBLE_AUTHZREUSE: '0' } },
    config: { API_MAX_DOCUMENTS: String(p.apiMaxDocuments), API_MAX_BODY_BYTES: String(p.apiMaxBodyBytes) },
  });
  const e = env;
  api = startWorkerProcess(e, 'api.ts');
  await Promise.race([until('the API to be ready', async () => (await e.api('/readyz')).status === 200), api.died]);
  worker = startWorkerProcess(e, 'worker.ts');
  const procs: Procs = { worker: worker.child.pid!, api: api.child.pid!, temporal: temporalPid() };
  const [workerRss, apiRss] = [sampleRss(procs.worker, 1000), sampleRss(procs.api, 1000)];
  samplers.push(workerRss, apiRss);
  log(`worker pid ${procs.worker}, API pid ${procs.api}, Temporal pid ${procs.temporal}; applying the ClusterIssuer`);
  const died = Promise.race([worker.died, api.died]);
  // Liveness for the stall check (not for Ready, which is read through the API): every child
  // workflow started or closed, and every continue-as-new, moves one of these counts.
  const liveness = async () => (await e.client.workflow.count()).count + (await e.client.workflow.count(`ExecutionStatus != 'Running'`)).count;
  const opts = { pollMs: p.pollMs, stallMs: p.stallSeconds * 1000, signal: shuttingDown.signal, log, liveness };

  const measured = await Promise.race([
    died,
    (async () => {
      const res = await e.apply(clusterIssuerYaml(e));
      if (res.status !== 200) throw new Error(`applying the ClusterIssuer failed: HTTP ${res.status}: ${await res.text()}`);
      await until('the ClusterIssuer to be Ready', async () => isReady(await getJson<Listed>(e, `/apis/cert-manager.io/v1/clusterissuers/${CLUSTER_ISSUER}`)));
      log(`issuing ${p.n} certificates (${p.applyBatch} per apply request, ${layout.namespaces.length} namespace(s))`);
      const beforeIssue = cpuMark(procs);
      const issued = await issueAll(e, layout, p, opts);
      const issueCpu = phaseCpu(beforeIssue, cpuMark(procs), p.n);
      log(`issued ${p.n} in ${issued.figures.seconds} s; settling ${p.settleSeconds} s, then ${p.idleSeconds} s idle`);
      const atLastReady = rssMiB(procs);
      const settling = await idleCpu(procs, p.settleSeconds);
      const idle = await idleCpu(procs, p.idleSeconds);
      const atN = rssMiB(procs);
      log(`idle CPU ${idle.total} % of a core (${settling.total} % while settling); worker + API RSS ${atN.workerPlusApi} MiB; timing lists`);
      const lists = await measureLists(e, layout, p.listReps, shuttingDown.signal);
      log(`renewal storm: renewing ${p.stormN} of ${p.n} at once`);
      // Certificates are laid out in order, so the first stormN form a layout of their own.
      const stormLayout = new Layout(p.stormN, p.perNamespace);
      const beforeStorm = cpuMark(procs);
      const storm = await renewalStorm(e, stormLayout, issued.wait.revisions, p, opts);
      const stormCpu = phaseCpu(beforeStorm, cpuMark(procs), p.stormN);
      log(`storm done in ${storm.figures.seconds} s; Secret→Ready on ${p.secretSamples} single renewals`);
      const secretToReady = { storm: await stormSecretToReady(e, stormLayout, storm.wait), single: await singleSecretToReady(e, layout, p.secretSamples, shuttingDown.signal) };
      return { issued, issueCpu, settling, idle, atLastReady, atN, lists, storm, stormCpu, secretToReady };
    })(),
  ]);
  const peak = { worker: workerRss.stop().peakMiB, api: apiRss.stop().peakMiB };
  await worker.stop();
  log(`worker stopped; floor: ${p.floorN} issuances by a bare acme-client loop, ${p.concurrency} in flight`);
  const issueFloor = await floorIssuer(e);
  const floorIssue = (name: string) => {
    shuttingDown.signal.throwIfAborted();
    return issueFloor(name, 'pool');
  };
  const beforeFloor = cpuMark(procs);
  const floor = await throughput(floorIssue, 'floor-', p.floorN, p.concurrency);
  const floorCpu = phaseCpu(beforeFloor, cpuMark(procs), p.floorN);
  const secondsForN = round2((floor.seconds * p.stormN) / p.floorN);
  return {
    machine: { loadAvg1mAtStart, node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` },
    params: { ...p, namespaces: layout.namespaces.length },
    issue: measured.issued.figures,
    cpuMsPerCert: { issue: measured.issueCpu, storm: measured.stormCpu, floor: floorCpu },
    settlingCpuPercentOfCore: measured.settling,
    idleCpuPercentOfCore: measured.idle,
    rssMiB: { atLastReady: measured.atLastReady, atN: measured.atN, peak },
    lists: measured.lists,
    storm: measured.storm.figures,
    floor: { n: p.floorN, concurrency: p.concurrency, seconds: floor.seconds, certsPerSecond: floor.certsPerSecond, secondsForN, extrapolated: p.floorN < p.stormN },
    stormToFloorRatio: round2(measured.storm.figures.seconds / secondsForN),
    secretToReady: measured.secretToReady,
    totalSeconds: round2((performance.now() - t0) / 1000),
  };
}

let code = 0;
try {
  printScaleReport(await run());
} catch (err) {
  code = 1;
  if (shuttingDown.signal.aborted) console.error('\nBENCH INTERRUPTED: stopped everything');
  else console.error(`\nBENCH FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (worker) console.error(`--- worker output tail ---\n${worker.output().slice(-4000)}`);
  if (api) console.error(`--- API output tail ---\n${api.output().slice(-2000)}`);
} finally {
  await cleanup();
}
process.exit(code);
