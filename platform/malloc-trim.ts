// Gives memory freed by the allocator back to the system, every so often. glibc's malloc returns
// only the free space at the top of a heap on its own; what is freed below a chunk still in use
// stays resident. The worker allocates most of its native memory that way (activations and
// histories crossing from Temporal's Rust core, gRPC buffers), so after a burst of issuances it
// kept tens of MiB it no longer used (measured at 1,000 Certificates: one malloc_trim(0) took the
// worker from 327 to 292 MiB). glibc's malloc_trim(0) releases those pages too (madvise); a call
// takes a few ms to tens of ms on the calling thread. Elsewhere (musl, macOS) there is nothing to
// call and this does nothing.
import type { Logger } from './logger.ts';

export type Trim = () => number;

/** glibc's malloc_trim through koffi (a foreign function interface with prebuilt binaries), or undefined where there is none. */
export async function loadMallocTrim(): Promise<Trim | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const { default: koffi } = await import('koffi');
    const trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
    return () => trim(0);
  } catch {
    return undefined; // musl has no libc.so.6 nor malloc_trim
  }
}

let running: NodeJS.Timeout | undefined;

/** Trims every periodMs (0: never), once per process however many parts it runs. */
export async function startMallocTrim(periodMs: number, log: Logger): Promise<void> {
  if (periodMs <= 0 || running) return;
  const trim = await loadMallocTrim();
  if (!trim) {
    log.debug('malloc_trim is not available here (not glibc): memory is returned as the allocator sees fit');
    return;
  }
  if (running) return;
  running = setInterval(trim, periodMs);
  running.unref();
}
