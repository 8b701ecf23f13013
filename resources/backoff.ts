// Wait after a failed issuance: cert-manager's min * 2^(attempts-1), capped, so a broken
// certificate does not hammer the CA. Bounds are parameters so tests can use seconds.
export interface BackoffBounds {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_ISSUANCE_BACKOFF: BackoffBounds = { minMs: 60 * 60 * 1000, maxMs: 32 * 60 * 60 * 1000 };

export function issuanceBackoff(failedAttempts: number, { minMs, maxMs }: BackoffBounds): number {
  if (failedAttempts <= 0) return 0;
  const exp = Math.min(failedAttempts - 1, 30);
  return Math.min(minMs * 2 ** exp, maxMs);
}
