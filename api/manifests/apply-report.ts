// What an apply answers: the items on success; on a part-way failure the error's Status with
// every item's fate in details.items, so the caller knows what to fix and that re-applying is safe.
import type { ApplyResult } from '../../resources/messages.ts';
import type { Status } from '../../resources/status.ts';
import type { Manifest } from '../../resources/types.ts';
import { temporalErrorStatus } from '../errors.ts';
import type { ItemOutcome, PhasedApply } from './apply-phases.ts';

export interface AppliedItem {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  result: ApplyResult;
}

const identity = (m: Manifest) => ({ apiVersion: m.apiVersion, kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name });

export function appliedItems(outcome: PhasedApply<ApplyResult>): AppliedItem[] {
  return outcome.items.flatMap((o) => (o.state === 'applied' ? [{ ...identity(o.manifest), result: o.result }] : []));
}

function reportItem(o: ItemOutcome<ApplyResult>) {
  if (o.state === 'applied') return { ...identity(o.manifest), state: o.state, result: o.result };
  if (o.state === 'failed') return { ...identity(o.manifest), state: o.state, error: temporalErrorStatus(o.error).message };
  return { ...identity(o.manifest), state: o.state };
}

export function partialApplyStatus(outcome: PhasedApply<ApplyResult>): Status {
  const base = temporalErrorStatus(outcome.firstError);
  const count = (state: string) => outcome.items.filter((o) => o.state === state).length;
  const summary = `applied ${count('applied')} of ${outcome.items.length}, ${count('failed')} failed, ${count('notAttempted')} not attempted (see details.items); applying again is safe`;
  return { ...base, message: `${base.message}; ${summary}`, details: { ...base.details, items: outcome.items.map(reportItem) } };
}
