// `npm run bench`: certificate issuance through the service (API in-process, worker as a child
// process, real Temporal dev server) against Pebble, then the same Pebble driven by a bare
// acme-client loop as the floor. Prints a table and a `BENCH_JSON {...}` line; exits 1 on failure.
import os from 'node:os';
import { startTestEnv, type TestEnv } from '../test/support/env.ts';
import { cpuPerCert, cpuSnapshot } from './bench/cpu.ts';
import { floorIssuer } from './bench/floor.ts';
import { keyCpuMs } from './bench/key-cost.ts';
import { measure, round2 } from './bench/measure.ts';
import { printReport, type Results } from './bench/report.ts';
import { sampleRss, type RssSampler } from './bench/rss.ts';
import { readAgent, serviceIssuer, setupIssuer, startWorkerProcess, type WorkerProcess } from './bench/service.ts';

function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const params = {
  latencyN: knob('BENCH_LATENCY_N', 20),
  throughputN: knob('BENCH_THROUGHPUT_N', 60),
  concurrency: knob('BENCH_CONCURRENCY', 10),
  warmup: 2,
  latencyPollMs: 15,
  // Each status read is an API GET that Temporal answers with a describe; ten certificates polled
  // every 15 ms would measure the poller more than the service. 200 ms is still finer than a person looks.
  throughputPollMs: knob('BENCH_POOL_POLL_MS', 200),
  keySamples: knob('BENCH_KEY_SAMPLES', 48),
};
const log = (s: string) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}`);
const t0 = performance.now();
const loadAvg1mAtStart = Math.round(os.loadavg()[0]! * 100) / 100;

let env: TestEnv | undefined;
let worker: WorkerProcess | undefined;
let rss: RssSampler | undefined;
let cleaning: Promise<void> | undefined;
const shuttingDown = new AbortController();
const cleanup = () =>
  (cleaning ??= (async () => {
    shuttingDown.abort(new Error('the bench is shutting down'));
    readAgent.destroy();
    rss?.stop();
    // A watchdog: if stopping hangs, exit anyway (platform/tools.ts SIGKILLs Temporal and Pebble on exit).
    setTimeout(() => {
      log('cleanup still running after 30 s: exiting, temp dirs may be left behind');
      process.exit(1);
    }, 30_000).unref();
    await worker?.stop().catch((err: unknown) => log(`stopping the worker: ${String(err)}`));
    await env?.stop().catch((err: unknown) => log(`stopping the environment: ${String(err)}`));
  })());

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function run(): Promise<Results> {
  log(`one RSA 2048 key, measured alone: ${params.keySamples} keys`);
  const msPerKey = await keyCpuMs(params.keySamples);
  log(`starting Temporal dev server, Pebble + challtestsrv, API (in-process)`);
  env = await startTestEnv({ stack: { worker: false } });
  worker = startWorkerProcess(env);
  rss = sampleRss(worker.child.pid!, 250);
  log(`worker process pid ${worker.child.pid}; applying EAB Secret + Issuer`);
  const untilWorkerDies = worker.died;

  const certs = params.warmup + params.latencyN + params.throughputN;
  const workerPid = worker.child.pid;
  let cpuBefore = cpuSnapshot(workerPid);
  const opts = { warmup: params.warmup, latencyN: params.latencyN, throughputN: params.throughputN, concurrency: params.concurrency };
  const service = await Promise.race([
    (async () => {
      await setupIssuer(env, shuttingDown.signal);
      log('Issuer Ready; service: warm-up, latency, throughput');
      return measure(serviceIssuer(env, { sequential: params.latencyPollMs, pool: params.throughputPollMs }, shuttingDown.signal), 'svc-', opts, log, () => cpuSnapshot(workerPid));
    })(),
    untilWorkerDies,
  ]);
  const mem = rss.stop();
  const serviceCpu = cpuPerCert(cpuBefore, cpuSnapshot(workerPid), certs);
  // The floor runs without the worker using CPU; Temporal stays up (idle) and the API's HTTP-01
  // responder stays up (the floor's challenges are served by it).
  const stopStart = performance.now();
  await worker.stop();
  log(`worker stopped (SIGTERM) in ${Math.round(performance.now() - stopStart)} ms${worker.child.signalCode === 'SIGKILL' ? ', needed SIGKILL after 10 s' : ''}`);
  log('floor (bare acme-client): warm-up, latency, throughput');
  const issueFloor = await floorIssuer(env);
  cpuBefore = cpuSnapshot(undefined);
  const floorIssue = (name: string, mode: Parameters<typeof issueFloor>[1]) => {
    shuttingDown.signal.throwIfAborted();
    return issueFloor(name, mode);
  };
  const floor = await measure(floorIssue, 'floor-', opts, log, () => cpuSnapshot(undefined));
  const floorCpu = cpuPerCert(cpuBefore, cpuSnapshot(undefined), certs);

  return {
    machine: { loadAvg1mAtStart, node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` },
    params,
    keyCpuMs: msPerKey,
    service: {
      ...service,
      cpuMsPerCert: serviceCpu,
      workerRssMiB: {
        peak: mem.peakMiB,
        end: mem.endMiB,
        samples: mem.samples,
        note: `VmRSS of the worker process sampled every 250 ms from start to the end of the service phase; it runs compiled (\`node dist/scripts/worker.js\`), as \`npm run worker\` does`,
      },
    },
    floor: { ...floor, cpuMsPerCert: floorCpu },
    totalSeconds: round2((performance.now() - t0) / 1000),
  };
}

let code = 0;
try {
  const results = await run();
  printReport(results);
} catch (err) {
  code = 1;
  if (shuttingDown.signal.aborted) console.error('\nBENCH INTERRUPTED: stopped everything');
  else console.error(`\nBENCH FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (worker) console.error(`--- worker output tail ---\n${worker.output().slice(-4000)}`);
} finally {
  await cleanup();
}
process.exit(code);
