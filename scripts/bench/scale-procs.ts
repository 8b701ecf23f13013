// The three processes whose cost the scale bench reports, read from /proc: the worker and the API
// (each its own compiled `node dist/scripts/…` process) and the Temporal dev server (a child of the bench).
import { readdirSync } from 'node:fs';
import { stat } from './cpu.ts';
import { readRssKiB } from './rss.ts';

export type Procs = Record<'worker' | 'api' | 'temporal', number>;
export type PerProc = Record<keyof Procs, number>;

export function temporalPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s?.comm === 'temporal' && s.ppid === process.pid) return Number(entry);
  }
  throw new Error('no Temporal dev server among this process’s children');
}

function each(procs: Procs, f: (pid: number) => number): PerProc {
  return { worker: f(procs.worker), api: f(procs.api), temporal: f(procs.temporal) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** CPU of each process over a window, as % of one core. */
export type CpuWindow = PerProc & { total: number; seconds: number };
/** VmRSS of each process, in MiB. */
export type RssFigures = PerProc & { workerPlusApi: number };

/** CPU used by each process over `seconds` of doing nothing, as % of one core. */
export async function idleCpu(procs: Procs, seconds: number): Promise<CpuWindow> {
  const cpu = (pid: number) => {
    const s = stat(pid);
    if (!s) throw new Error(`process ${pid} is gone`);
    return s.cpuSeconds;
  };
  const before = each(procs, cpu);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const after = each(procs, cpu);
  const pct = each(procs, () => 0);
  for (const k of Object.keys(pct) as (keyof Procs)[]) pct[k] = round1(((after[k] - before[k]) / wall) * 100);
  return { ...pct, total: round1(pct.worker + pct.api + pct.temporal), seconds };
}

/** CPU seconds so far of each process (0 once it is gone) and of this one (the bench: its pollers, and the floor's acme-client). */
export type CpuMark = PerProc & { bench: number };

export function cpuMark(procs: Procs): CpuMark {
  const own = process.cpuUsage();
  return { ...each(procs, (pid) => stat(pid)?.cpuSeconds ?? 0), bench: (own.user + own.system) / 1e6 };
}

/** CPU milliseconds per certificate of each process between two marks, and their sum. */
export type CpuPerCert = CpuMark & { total: number };

export function phaseCpu(a: CpuMark, b: CpuMark, certs: number): CpuPerCert {
  const per = (k: keyof CpuMark) => Math.round(((b[k] - a[k]) * 1000) / certs);
  const r = { worker: per('worker'), api: per('api'), temporal: per('temporal'), bench: per('bench') };
  return { ...r, total: r.worker + r.api + r.temporal + r.bench };
}

/** VmRSS of each process now, in MiB. */
export function rssMiB(procs: Procs): RssFigures {
  const r = each(procs, (pid) => round1((readRssKiB(pid) ?? NaN) / 1024));
  return { ...r, workerPlusApi: round1(r.worker + r.api) };
}
