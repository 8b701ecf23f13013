// Applies validated manifests in phases, Secrets → Issuers/ClusterIssuers → Certificates (so an
// Issuer finds its EAB Secret), each phase with bounded concurrency. After the first failure
// nothing new starts; every item then says whether it was applied, failed or not attempted.
import type { Manifest } from '../../resources/types.ts';
import { eachBounded } from '../../platform/bounded.ts';

/** Secrets before Issuers before Certificates: the order documents are applied (and claimed) in. */
export const APPLY_PHASE: Record<Manifest['kind'], number> = { Secret: 0, Issuer: 1, ClusterIssuer: 1, Certificate: 2 };

export type ItemState<R> = { state: 'applied'; result: R } | { state: 'failed'; error: unknown } | { state: 'notAttempted' };
export type ItemOutcome<R> = { manifest: Manifest } & ItemState<R>;

export interface PhasedApply<R> {
  /** In apply order (by phase, then as submitted). */
  items: ItemOutcome<R>[];
  failed: boolean;
  firstError?: unknown;
}

export async function applyInPhases<R>(manifests: Manifest[], apply: (m: Manifest) => Promise<R>, concurrency: number): Promise<PhasedApply<R>> {
  const ordered = [...manifests].sort((a, b) => APPLY_PHASE[a.kind] - APPLY_PHASE[b.kind]);
  const states: ItemState<R>[] = ordered.map(() => ({ state: 'notAttempted' }));
  let firstError: unknown;
  let failed = false;
  for (const phase of [0, 1, 2]) {
    if (failed) break;
    const indexes = ordered.flatMap((m, i) => (APPLY_PHASE[m.kind] === phase ? [i] : []));
    await eachBounded(indexes, concurrency, async (i) => {
      if (failed) return;
      try {
        states[i] = { state: 'applied', result: await apply(ordered[i]!) };
      } catch (error) {
        states[i] = { state: 'failed', error };
        if (!failed) firstError = error;
        failed = true;
      }
    });
  }
  return { items: ordered.map((manifest, i) => ({ manifest, ...states[i]! })), failed, firstError };
}
