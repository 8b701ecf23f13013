// Samples a process's resident set size (VmRSS from /proc/<pid>/status) on an interval.
import { readFileSync } from 'node:fs';

export interface RssSampler {
  /** Peak and last sample so far, in MiB; stops sampling. */
  stop(): { peakMiB: number; endMiB: number; samples: number };
}

export function readRssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // process gone
  }
}

export function sampleRss(pid: number, everyMs = 250): RssSampler {
  let peak = 0;
  let last = 0;
  let samples = 0;
  const tick = () => {
    const kib = readRssKiB(pid);
    if (kib === undefined) return;
    samples++;
    last = kib;
    peak = Math.max(peak, kib);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
  return {
    stop() {
      tick();
      clearInterval(timer);
      return { peakMiB: mib(peak), endMiB: mib(last), samples };
    },
  };
}
