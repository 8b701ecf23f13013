// Patches without their cost in new runs. Temporal's core records a marker and an upsert of the
// TemporalChangeVersion search attribute for every patched() a run calls: in a new Certificate's
// first issuance 17 of each (12 in the Certificate, 5 in its request, Order and Challenge), about
// a quarter of its events and a third of its visibility writes (the CertificateRequest, Order and
// Challenge wrote search attributes for nothing else). A run started by this code carries
// CODE_LEVEL in its memo (resources/code-level.ts) and takes every patch of that level or below
// as applied, with no marker; a run started before asks patched(), as it always did, so its
// history replays unchanged.
//
// A level is only safe once no worker that knows less can run a task of a run started at it. In a
// rolling upgrade, a new worker starts children and gates at its own level, an older worker may
// take their next task, and it records nothing for a patch it does not know while taking the old
// path; a new worker replaying that run would take the new path and fail the task for good.
// Workers since 966edc3 refuse such runs (refuseRunsAboveLevel), so a higher level is safe in a
// rolling upgrade from them (the last version at level 1 is aa808da); from an older version,
// upgrade to that one first (docs/production.md, Upgrading). A patch that only rare paths reach
// may still record its marker (isPatchedOnRarePath).
import { patched, workflowInfo } from '@temporalio/workflow';
import { CODE_LEVEL, CODE_LEVEL_MEMO } from '../resources/code-level.ts';

const LEVELS = {
  'publish-object-memo': 1,
  'search-attributes-on-change': 1,
  'secret-name-search-attribute': 1,
  'resync-jitter': 1,
  'local-issuer-lookup': 1,
  'issuer-wait-ignores-renew': 1,
  'key-in-regular-activity': 1,
  'continue-as-new-at-wake-up': 1,
  'prune-request-history': 1,
  'prune-only-past-limit': 1,
  'ready-key-in-local-activity': 1,
  'await-issuer-answer': 1,
  'store-until-stored': 1,
  'renew-judged-after-activation': 1,
  'issuer-account-recovery': 1,
  'order-slot-gate': 1,
  'quick-local-self-check': 1,
  'gate-check-keeps-signals': 1,
  'gate-continue-as-new-in-traffic': 1,
  'gate-notify-by-activity': 1,
  'coalesce-visibility-upserts': 2,
  'finalize-without-looking': 3,
  'ari-check-with-issuing-context': 3,
} as const;

export type PatchId = keyof typeof LEVELS;

/** Patches that always record their marker (isPatchedOnRarePath says why). */
export type RarePathPatchId = 'gate-queued-in-answer' | 'order-slot-waiting-by-activity' | 'request-forwards-waiting-by-activity' | 'late-slot-wait-ignored';

/**
 * patched(id) with its marker, whatever the run's level: for a change that only rare paths reach
 * (an Order that must wait for a slot), so the marker costs little, and that replays right
 * whichever version ran the path: the marker says a worker that knew the patch took it.
 */
export function isPatchedOnRarePath(id: RarePathPatchId): boolean {
  return patched(id);
}

/** patched(id), answered from the run's start level when it has one. */
export function isPatched(id: PatchId): boolean {
  const info = workflowInfo();
  const level = info.memo?.[CODE_LEVEL_MEMO];
  if (typeof level !== 'number' || LEVELS[id] > level) return patched(id);
  // A worker of the version before (a rolling upgrade) may have run part of this run and recorded
  // the marker; replaying it, patched() matches that marker, and records nothing when there is none.
  if (info.unsafe.isReplaying) patched(id);
  return true;
}

/**
 * Fails the workflow task of a run started at a level above this code's, so that only a worker that
 * knows every patch of that level runs it (the task is retried until one takes it). Called first by
 * every workflow: a worker that does not hold the run replays it from the start, so it runs this
 * before any task of the run.
 */
export function refuseRunsAboveLevel(): void {
  const level = workflowInfo().memo?.[CODE_LEVEL_MEMO];
  if (typeof level === 'number' && level > CODE_LEVEL) {
    throw new Error(`this run was started at code level ${level} and this worker knows ${CODE_LEVEL}: a worker of a newer version must run it`);
  }
}
