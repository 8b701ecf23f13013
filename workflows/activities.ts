// Activity proxies with a retry policy per kind of call. Activity code is imported as a type
// only, so nothing non-deterministic enters the workflow bundle.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

/** ACME requests: short, retried with backoff; non-retryable ACME problems fail at once. */
export const acme = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** Reading and writing the secret store, key generation, issuer lookups. */
export const local = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});

/** HTTP-01 self check: repeated until the name reaches our responder, as cert-manager does. */
export const selfCheck = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '500ms', backoffCoefficient: 1.5, maximumInterval: '10s' },
});
