// Secret (v1): how users hand over EAB HMAC keys and existing ACME account keys.
import { z } from 'zod';
import type { SecretManifest } from './types.ts';
import { secretKeyError } from './names.ts';
import { decodeBase64 } from './formats.ts';
import { always, boundedString, invalidValue, isRecord, report } from './field-checks.ts';
import { namespacedMetadata } from './metadata-schema.ts';

function secretMap<T>(value: z.ZodType<T, string>) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    if (!isRecord(map)) return;
    for (const key of Object.keys(map)) {
      const error = secretKeyError(key);
      if (error !== undefined) report(ctx, invalidValue(key, error), 'FieldValueInvalid', [key]);
    }
  }, always);
}

// The value is deliberately not echoed back: it is secret material.
const base64Value = z.string().transform((value, ctx) => {
  const bytes = decodeBase64(value);
  if (bytes) return bytes;
  report(ctx, 'Invalid value: must be base64', 'FieldValueInvalid');
  return z.NEVER;
});

export const secretSchema: z.ZodType<SecretManifest> = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: namespacedMetadata,
    type: boundedString(253).default('Opaque'),
    data: secretMap(base64Value).optional(),
    stringData: secretMap(z.string().transform((value) => Buffer.from(value, 'utf8'))).optional(),
    immutable: z.boolean().optional(),
  })
  .transform(({ apiVersion, kind, metadata, type, data = {}, stringData = {} }): SecretManifest => {
    // As in Kubernetes, stringData wins over data for the same key.
    return { apiVersion, kind, metadata, type, data: { ...data, ...stringData } };
  });
