// The two measurements, shared by the service and the floor: sequential latency and a fixed-size pool.
import { cpuPerCert, cpuTotal, type CpuSnapshot } from './cpu.ts';
import { summarize, type LatencyStats } from './stats.ts';

/** Issues one certificate for `name` and resolves once it is issued (Ready); `pool` = many in flight. */
export type IssueFn = (name: string, mode: 'sequential' | 'pool') => Promise<void>;

export interface Figures {
  latency: LatencyStats;
  throughput: ThroughputFigures;
}

export interface ThroughputFigures {
  n: number;
  concurrency: number;
  seconds: number;
  certsPerSecond: number;
  latency: LatencyStats;
  /** CPU over the throughput phase alone: per certificate, each process's and all of it, and the cores it kept busy. */
  cpu?: { perProcess: CpuSnapshot; msPerCert: number; coresBusy: number };
}

export async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function latency(issue: IssueFn, prefix: string, n: number): Promise<LatencyStats> {
  const samples: number[] = [];
  for (let i = 1; i <= n; i++) samples.push(await timed(() => issue(`${prefix}${i}`, 'sequential')));
  return summarize(samples);
}

export async function throughput(issue: IssueFn, prefix: string, n: number, concurrency: number): Promise<ThroughputFigures> {
  const samples: number[] = [];
  let next = 1;
  const runner = async () => {
    while (next <= n) {
      const i = next++;
      samples.push(await timed(() => issue(`${prefix}${i}`, 'pool')));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, runner));
  const seconds = (performance.now() - t0) / 1000;
  return { n, concurrency, seconds: round2(seconds), certsPerSecond: round2(n / seconds), latency: summarize(samples) };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

export async function measure(
  issue: IssueFn,
  prefix: string,
  o: { warmup: number; latencyN: number; throughputN: number; concurrency: number },
  log: (s: string) => void,
  /** CPU seconds so far of each process the column uses. */
  cpuNow?: () => CpuSnapshot,
): Promise<Figures> {
  for (let i = 1; i <= o.warmup; i++) await issue(`${prefix}warm-${i}`, 'sequential');
  log(`  warm-up: ${o.warmup} issued`);
  const lat = await latency(issue, `${prefix}lat-`, o.latencyN);
  log(`  latency: p50 ${lat.p50} ms over ${lat.n}`);
  const cpuBefore = cpuNow?.();
  const tput = await throughput(issue, `${prefix}tput-`, o.throughputN, o.concurrency);
  if (cpuNow && cpuBefore) {
    const after = cpuNow();
    const used = cpuTotal(after) - cpuTotal(cpuBefore);
    tput.cpu = { perProcess: cpuPerCert(cpuBefore, after, tput.n), msPerCert: Math.round((used * 1000) / tput.n), coresBusy: round2(used / tput.seconds) };
  }
  log(`  throughput: ${tput.certsPerSecond} certs/s (${tput.n} in ${tput.seconds} s)`);
  return { latency: lat, throughput: tput };
}
