// Small zod building blocks that report problems in Kubernetes' field-error wording
// ("Invalid value: ...", "Forbidden: ..."), which zod-causes.ts passes through unchanged.
import { z } from 'zod';

export type Reason = 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueTypeInvalid';

export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  return Array.isArray(value) ? '"array"' : `"${typeof value}"`;
}

export function invalidValue(value: unknown, detail: string): string {
  return `Invalid value: ${showValue(value)}: ${detail}`;
}

type Ctx = { addIssue(issue: { code: 'custom'; message: string; path?: PropertyKey[]; params?: { reason: Reason } }): void };

export function report(ctx: Ctx, message: string, reason: Reason, path: PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', message, path, params: { reason } });
}

/** A string checked by one of the `*Error` validators (names.ts etc.). */
export function checkedString(check: (s: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const error = check(value);
    if (error !== undefined) report(ctx, invalidValue(value, error), 'FieldValueInvalid');
  });
}

/** A real cert-manager field this service does not implement: anything but absence is refused. */
export function notSupported(detail: string) {
  return z.unknown().optional().superRefine((value, ctx) => {
    if (value !== undefined) report(ctx, `Forbidden: not supported yet: ${detail}`, 'FieldValueNotSupported');
  });
}

export const stringMap = z.record(z.string(), z.string());
export const stringList = z.array(z.string());

/**
 * Lets an object/array refinement run even when some of its fields failed, so cross-field problems are
 * reported together with field problems. The refinement must tolerate unparsed (raw) field values.
 */
export const always = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
