// When an Issuer next verifies its ACME account: the period, spread by up to ±10 % so that many
// issuers started together (one apply, one restore) do not all call the CA in the same second.
const JITTER = 0.1;

/** `random` is the workflow's deterministic Math.random(), in [0, 1). */
export function accountCheckDelayMs(periodMs: number, random: number): number {
  const r = Math.min(Math.max(random, 0), 1);
  return Math.max(1000, Math.round(periodMs * (1 - JITTER + 2 * JITTER * r)));
}

/** Milliseconds until the next periodic check is due (0 when overdue); undefined without an account. */
export function msUntilAccountCheck(nextCheckAt: number | undefined, now: number): number | undefined {
  return nextCheckAt === undefined ? undefined : Math.max(0, nextCheckAt - now);
}
