// CPU time (user + system) per process, from /proc: this process (bench + in-process API), the
// worker child, and the Temporal / Pebble children, so a phase's cost can be split per process.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function stat(pid: number): { comm: string; ppid: number; cpuSeconds: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' '); // f[0] = state (field 3)
    return { comm: s.slice(s.indexOf('(') + 1, close), ppid: Number(f[1]), cpuSeconds: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Record<'benchAndApi' | 'worker' | 'temporal' | 'pebble', number>;

export function cpuSnapshot(workerPid: number | undefined): CpuSnapshot {
  const snap: CpuSnapshot = { benchAndApi: 0, worker: 0, temporal: 0, pebble: 0 };
  const self = process.cpuUsage();
  snap.benchAndApi = (self.user + self.system) / 1e6;
  if (workerPid !== undefined) snap.worker = stat(workerPid)?.cpuSeconds ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (!s || s.ppid !== process.pid) continue;
    if (s.comm === 'temporal') snap.temporal += s.cpuSeconds;
    if (s.comm.startsWith('pebble')) snap.pebble += s.cpuSeconds; // pebble + pebble-challtestsrv
  }
  return snap;
}

/** CPU milliseconds per certificate for each process between two snapshots. */
export function cpuPerCert(a: CpuSnapshot, b: CpuSnapshot, certs: number): CpuSnapshot {
  const per = (k: keyof CpuSnapshot) => Math.round(((b[k] - a[k]) * 1000) / certs);
  return { benchAndApi: per('benchAndApi'), worker: per('worker'), temporal: per('temporal'), pebble: per('pebble') };
}

/** CPU seconds of every process in a snapshot. */
export const cpuTotal = (s: CpuSnapshot): number => s.benchAndApi + s.worker + s.temporal + s.pebble;
