// Small zod building blocks that report problems in Kubernetes' field-error wording
// ("Invalid value: ...", "Forbidden: ..."), which zod-causes.ts passes through unchanged.
import { z } from 'zod';
import { labelValueError, qualifiedNameError } from './names.ts';

export type Reason =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

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
  return z
    .unknown()
    .optional()
    .superRefine((value, ctx) => {
      if (value !== undefined) report(ctx, `Forbidden: not supported yet: ${detail}`, 'FieldValueNotSupported');
    });
}

/**
 * Lets an object/array refinement run even when some of its fields failed, so cross-field problems are
 * reported together with field problems. The refinement must tolerate unparsed (raw) field values.
 */
export const always = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Bounds on free text and lists: nothing a manifest needs comes near them, and they keep every
// workflow payload, memo and error message small. ACME CAs accept at most 100 names per order.
export const MAX_STRING = 1024;
export const MAX_ITEMS = 100;
/** Kubernetes' limit on all annotations of one object together (keys and values, in bytes). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

export const boundedString = (max = MAX_STRING) => z.string().max(max);
export const stringMap = z.record(boundedString(), boundedString());
export const stringList = z.array(boundedString()).max(MAX_ITEMS);

function checkedKeys(map: unknown, ctx: Ctx, check: (key: string) => string | undefined, checkValue?: (value: string) => string | undefined) {
  if (!isRecord(map)) return;
  for (const [key, value] of Object.entries(map)) {
    const error = check(key);
    if (error !== undefined) report(ctx, invalidValue(key, error), 'FieldValueInvalid', [key]);
    const valueError = checkValue && typeof value === 'string' ? checkValue(value) : undefined;
    if (valueError !== undefined) report(ctx, invalidValue(value, valueError), 'FieldValueInvalid', [key]);
  }
}

/** Kubernetes labels: qualified-name keys, values of at most 63 characters. */
export const labelMap = z.record(z.string(), z.string()).superRefine((map, ctx) => checkedKeys(map, ctx, qualifiedNameError, labelValueError), always);

/** Kubernetes annotations: qualified-name keys, at most 256 KiB in all. */
export const annotationMap = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  checkedKeys(map, ctx, qualifiedNameError);
  if (!isRecord(map)) return;
  let bytes = 0;
  for (const [key, value] of Object.entries(map)) bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  if (bytes > MAX_ANNOTATIONS_BYTES) report(ctx, `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`, 'FieldValueTooLong');
}, always);
