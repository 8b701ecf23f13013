// Activity proxies with a retry policy per kind of call. Activity code is imported as a type
// only, so nothing non-deterministic enters the workflow bundle.
//
// The short calls (one ACME request, one secret-store read or write, a key) are local
// activities: they run in the worker that holds the workflow task, so each saves the server
// round trips of scheduling a task (npm run bench: apply->Ready and throughput, see the README).
// Their results are still recorded in history, and their retries still follow these policies;
// retries that wait longer than `localRetryThreshold` (2 s) become durable timers.
//
// A local activity holds its workflow task slot while it runs (scripts/bench/la-slots.ts: 45
// calls hanging for 30 s delayed an unrelated workflow by 28 s; 40 slots). ACME calls still stay
// local: every request ends after ACME_HTTP_TIMEOUT, and once 4 requests to a server have gone
// unanswered for 2 s further calls to it fail at once and retry on a timer (acme-bulkhead.ts),
// so a dead CA holds a handful of slots at most. Regular activities would only move the problem
// to the activity slots (105 hanging regular activities delayed another one by 25 s).
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

/** ACME requests: short, retried with backoff; non-retryable ACME problems fail at once. */
export const acme = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '2s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/**
 * ACME account registration. The Issuer workflow retries it on its own timer and shows every
 * failure in its Ready condition, so a CA that does not answer is reported after two attempts
 * (each bounded by ACME_HTTP_TIMEOUT per request) instead of after the ten of `acme`.
 */
export const account = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1m',
  localRetryThreshold: '2s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 2 },
});

const storeRetry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 };

/** Reading and writing the secret store. */
export const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '2m', localRetryThreshold: '2s', retry: storeRetry });

/**
 * Key generation is a regular activity: keys are made a few at a time (activities/keygen-slots.ts),
 * and a local activity waiting its turn would hold a workflow task slot, which the applies of a
 * large request need (npm run bench:scale: 100 applies took 75 s behind 200 issuing Certificates).
 * It heartbeats while it waits or works longer than 2 s (activities/heartbeat-while.ts), so a
 * worker killed mid-key costs the 10 s heartbeat timeout, not the 2 min a queue may need.
 */
export const keys = proxyActivities<Activities>({ startToCloseTimeout: '2m', heartbeatTimeout: '10s', retry: storeRetry });

/** Storing an issued chain: a few quick local attempts per round; workflows/store-certificate.ts waits between rounds on durable timers. */
export const storeRound = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1m',
  localRetryThreshold: '2s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '2s', maximumAttempts: 3 },
});

const lookupRetry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' };

/**
 * Issuer lookups read the Issuer's published memo with describe, which needs no worker, so they
 * run locally: one server round trip instead of scheduling an activity task and a workflow task.
 */
export const issuerLookup = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', localRetryThreshold: '2s', retry: lookupRetry });

/** The same lookup as a regular activity: what runs recorded before the local one replay. */
export const lookup = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: lookupRetry });

/**
 * One quick local self check first: when the name already reaches our responder (the usual
 * case) this saves an activity task and a workflow task. It gives up after 3 s, so a name that
 * leads nowhere holds a workflow task slot no longer than that; `selfCheck` then takes over.
 */
export const quickSelfCheck = proxyLocalActivities<Activities>({ startToCloseTimeout: '3s', retry: { maximumAttempts: 1 } });

/** HTTP-01 self check: repeated until the name reaches our responder, as cert-manager does. */
export const selfCheck = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '500ms', backoffCoefficient: 1.5, maximumInterval: '10s' },
});

/**
 * Asking the Issuer's order gate for a slot: one signalWithStart, local so that an uncontended
 * order pays no activity task round trip for it.
 */
export const gate = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '2s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});

/**
 * Deleting a Certificate's old requests with their Orders and Challenges: a few visibility
 * queries and deletes, local. Best effort, so a few attempts only: the next issuance (or the
 * Certificate's deletion) looks again.
 */
export const history = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1m',
  localRetryThreshold: '2s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});
