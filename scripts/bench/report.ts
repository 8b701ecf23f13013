// The table printed at the end, and the one-line JSON with every figure.
import { cpuTotal, type CpuSnapshot } from './cpu.ts';
import { round2, type Figures } from './measure.ts';

export interface Results {
  machine: { loadAvg1mAtStart: number; node: string; cpus: number; cpuModel: string; platform: string };
  params: { latencyN: number; throughputN: number; concurrency: number; warmup: number; latencyPollMs: number; throughputPollMs: number; keySamples: number };
  /** CPU milliseconds one RSA 2048 key took, made alone before the run. */
  keyCpuMs: number;
  service: Figures & { cpuMsPerCert: CpuSnapshot; workerRssMiB: { peak: number; end: number; samples: number; note: string } };
  floor: Figures & { cpuMsPerCert: CpuSnapshot };
  totalSeconds: number;
}

const pad = (s: string, n: number) => s.padEnd(n);

export function printReport(r: Results): void {
  const { service: s, floor: f, params: p } = r;
  const lat = (x: Figures) => `${x.latency.p50} / ${x.latency.p90} / ${x.latency.p99} ms`;
  const minmax = (x: Figures) => `${x.latency.min} / ${x.latency.max} ms`;
  const tput = (x: Figures) => `${x.throughput.certsPerSecond} certs/s`;
  const tputSecs = (x: Figures) => `${x.throughput.seconds} s`;
  const tputLat = (x: Figures) => `${x.throughput.latency.p50} / ${x.throughput.latency.p90} / ${x.throughput.latency.p99} ms`;
  const tputCpu = (x: Figures) => (x.throughput.cpu ? `${x.throughput.cpu.msPerCert} ms (${x.throughput.cpu.coresBusy} of ${r.machine.cpus} cores busy)` : '-');
  const tputSplit = (x: Figures, worker: boolean) => (x.throughput.cpu ? cpu(x.throughput.cpu.perProcess, worker) : '-');
  const cpu = (c: CpuSnapshot, worker: boolean) => `${worker ? c.worker : '-'} / ${c.temporal} / ${c.benchAndApi} / ${c.pebble}`;
  const total = (c: CpuSnapshot) => Math.round(cpuTotal(c));
  const beyondKey = (c: CpuSnapshot) => `${total(c) - r.keyCpuMs} ms`;
  const cpuBound = (c: CpuSnapshot) => `${round2((r.machine.cpus * 1000) / total(c))} certs/s`;
  const rows: [string, string, string][] = [
    ['', 'service (Temporal)', 'bare acme-client (floor)'],
    [`apply→Ready p50 / p90 / p99`, lat(s), lat(f)],
    [`apply→Ready min / max`, minmax(s), minmax(f)],
    [`throughput @ concurrency ${p.concurrency}`, tput(s), tput(f)],
    [`  ${p.throughputN} certs took`, tputSecs(s), tputSecs(f)],
    [`  per-cert p50 / p90 / p99 in pool`, tputLat(s), tputLat(f)],
    [`  CPU ms/cert in this phase, all processes`, tputCpu(s), tputCpu(f)],
    [`    worker/temporal/api+bench/pebble`, tputSplit(s, true), tputSplit(f, false)],
    [`CPU ms/cert worker/temporal/api+bench/pebble`, cpu(s.cpuMsPerCert, true), cpu(f.cpuMsPerCert, false)],
    [`CPU ms/cert, all processes`, `${total(s.cpuMsPerCert)} ms`, `${total(f.cpuMsPerCert)} ms`],
    [`  beyond one key (${r.keyCpuMs} ms alone)`, beyondKey(s.cpuMsPerCert), beyondKey(f.cpuMsPerCert)],
    [`  throughput that CPU allows on ${r.machine.cpus} cores`, cpuBound(s.cpuMsPerCert), cpuBound(f.cpuMsPerCert)],
    [`worker RSS peak / end`, `${s.workerRssMiB.peak} / ${s.workerRssMiB.end} MiB`, '-'],
  ];
  console.log('');
  for (const [a, b, c] of rows) console.log(`${pad(a, 46)} ${pad(b, 26)} ${c}`);
  console.log('');
  console.log(`machine: node ${r.machine.node}, ${r.machine.cpus} CPUs, ${r.machine.cpuModel} (${r.machine.platform}), 1-min load average at start ${r.machine.loadAvg1mAtStart}`);
  console.log(
    `N: warm-up ${p.warmup} (discarded), latency ${p.latencyN} sequential, throughput ${p.throughputN} at concurrency ${p.concurrency}; ` +
      `Ready polled every ${p.latencyPollMs} ms (latency) / ${p.throughputPollMs} ms (throughput); percentiles nearest-rank`,
  );
  console.log(`worker RSS: ${s.workerRssMiB.note}`);
  console.log(
    `CPU ms/cert: CPU time over all ${p.warmup + p.latencyN + p.throughputN} certs of a column (warm-up + latency + throughput) / that count; api+bench = this process (API, HTTP-01 responder, pollers; the floor's acme-client and keygen); the floor runs with the worker stopped; ` +
      `each column makes one RSA 2048 key per certificate (the service's also fills its key pool, KEY_POOL_SIZE keys made ahead), so "beyond one key" is what the column adds to that key; ` +
      `"throughput that CPU allows" is the cores divided by the CPU per certificate, the rate if every core did nothing else; ` +
      `"in this phase" is every process's CPU over the throughput phase alone per certificate, and that CPU over the phase's wall time (cores busy: near the machine's cores, the rate is bound by CPU)`,
  );
  console.log(`total bench wall time: ${r.totalSeconds} s`);
  console.log(`BENCH_JSON ${JSON.stringify(r)}`);
}
