// Timing knobs of the Certificate workflow, given at start (from the service's configuration)
// and carried across continue-as-new. Defaults follow cert-manager; tests shrink them to seconds.
import { DEFAULT_RESYNC_MS } from './resync.ts';

export interface CertificateOptions {
  /** Re-check the Secret this often (±10 %) even when nothing else wakes the workflow. */
  resyncMs: number;
  /** Failed issuance backoff: min * 2^(attempts-1), capped at max. */
  backoff: { minMs: number; maxMs: number };
  /** Bounds for the ACME Renewal Information re-check delay (the server's Retry-After). */
  ariRecheck: { minMs: number; maxMs: number };
  /**
   * A run continues-as-new at its next wake-up once its history is this long (or when the server
   * suggests it), never right after an issuance: that would put the new run's first-task delay
   * in front of whatever the user does next.
   */
  historyEventsPerRun: number;
}

const HOUR = 60 * 60_000;

export const DEFAULT_CERTIFICATE_OPTIONS: CertificateOptions = {
  resyncMs: DEFAULT_RESYNC_MS,
  backoff: { minMs: HOUR, maxMs: 32 * HOUR },
  ariRecheck: { minMs: HOUR, maxMs: 7 * 24 * HOUR },
  // One issuance adds about 40 events; a replay of 1,000 (a worker that lost its cache) is cheap.
  historyEventsPerRun: 1000,
};
