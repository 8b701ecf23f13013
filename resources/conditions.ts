// cert-manager condition bookkeeping: lastTransitionTime only moves when the status flips.
import type { Condition, ConditionStatus } from './types.ts';

export function setCondition(
  conditions: Condition[],
  next: { type: string; status: ConditionStatus; reason: string; message: string; observedGeneration?: number },
  now: Date,
): Condition[] {
  const prev = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : isoSeconds(now);
  const updated: Condition = { ...next, lastTransitionTime };
  return prev ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

export function removeCondition(conditions: Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

export function conditionIs(conditions: Condition[] | undefined, type: string, status: ConditionStatus): boolean {
  return conditions?.some((c) => c.type === type && c.status === status) ?? false;
}

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
