// When an idle Certificate looks at its Secret again although nothing told it to. Changes to the
// Secret wake it at once (the store's watch), so the resync only catches what a watch can miss
// (a watch limit reached, a change while no worker ran). 10 h is what cert-manager users know:
// cert-manager's informers resync every 10 h, controller-runtime's SyncPeriod defaults to 10 h
// with a 10 % jitter. The jitter spreads Certificates applied together over two hours
// of wake-ups instead of one burst every period.

export const DEFAULT_RESYNC_MS = 10 * 60 * 60_000;

/** ± this fraction of the period. */
export const RESYNC_JITTER = 0.1;

/**
 * The period stretched or shrunk by up to ±`jitter`, by `random` in [0, 1) (in a workflow: the
 * SDK's deterministic Math.random). Whole milliseconds, never below one second.
 */
export function jitteredResyncMs(periodMs: number, random: number, jitter = RESYNC_JITTER): number {
  const r = Math.min(Math.max(random, 0), 1);
  return Math.max(1000, Math.round(periodMs * (1 - jitter + 2 * jitter * r)));
}
