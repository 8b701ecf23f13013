// Issuer and ClusterIssuer (cert-manager.io/v1). Only ACME issuers with HTTP-01 solving are implemented;
// the other cert-manager issuer and solver types are recognised so users get "not supported" instead of "unknown".
import { z } from 'zod';
import type { AcmeSolver, IssuerManifest } from './types.ts';
import { dns1123SubdomainError, secretKeyError } from './names.ts';
import { acmeServerError, caBundleError, emailError } from './formats.ts';
import { always, boundedString, checkedString, isRecord, labelMap, MAX_ITEMS, notSupported, report, stringList } from './field-checks.ts';
import { clusterMetadata, namespacedMetadata } from './metadata-schema.ts';

const secretRef = z.strictObject({ name: checkedString(dns1123SubdomainError), key: checkedString(secretKeyError) });

const externalAccountBinding = z.strictObject({
  keyID: boundedString().min(1),
  keySecretRef: secretRef,
  keyAlgorithm: z.enum(['HS256', 'HS384', 'HS512']).optional(),
});

const solver = z
  .strictObject({
    selector: z.strictObject({ dnsNames: stringList.optional(), dnsZones: stringList.optional(), matchLabels: labelMap.optional() }).optional(),
    http01: z.strictObject({ ingress: z.record(z.string(), z.unknown()).optional(), gatewayHTTPRoute: z.record(z.string(), z.unknown()).optional() }).optional(),
    dns01: notSupported('only http01 solvers are implemented'),
  })
  .superRefine((s, ctx) => {
    if (isRecord(s) && s['http01'] === undefined && s['dns01'] === undefined) report(ctx, 'Required value: one of http01 or dns01 is required', 'FieldValueRequired');
  }, always)
  .transform((s): AcmeSolver => ({ ...(s.selector && { selector: s.selector }), ...(s.http01 && { http01: s.http01 }) }));

const acme = z.strictObject({
  server: checkedString(acmeServerError),
  email: checkedString(emailError).optional(),
  privateKeySecretRef: z.strictObject({ name: checkedString(dns1123SubdomainError), key: checkedString(secretKeyError).optional() }),
  externalAccountBinding: externalAccountBinding.optional(),
  caBundle: checkedString(caBundleError).optional(),
  skipTLSVerify: z.boolean().optional(),
  preferredChain: boundedString().optional(),
  disableAccountKeyGeneration: z.boolean().optional(),
  enableDurationFeature: z.boolean().optional(),
  disableRenewalInfo: z.boolean().optional(),
  solvers: z.array(solver).min(1).max(MAX_ITEMS),
});

const onlyAcme = 'only acme issuers are implemented';

const issuerSpec = z
  .strictObject({
    acme: acme.optional(),
    selfSigned: notSupported(onlyAcme),
    ca: notSupported(onlyAcme),
    vault: notSupported(onlyAcme),
    venafi: notSupported(onlyAcme),
  })
  .transform((spec, ctx) => {
    if (spec.acme) return { acme: spec.acme };
    report(ctx, 'Required value: exactly one issuer type is required; supported: acme', 'FieldValueRequired');
    return z.NEVER;
  });

export function issuerSchema(kind: 'Issuer' | 'ClusterIssuer'): z.ZodType<IssuerManifest> {
  return z
    .strictObject({
      apiVersion: z.literal('cert-manager.io/v1'),
      kind: z.literal(kind),
      metadata: kind === 'Issuer' ? namespacedMetadata : clusterMetadata,
      spec: issuerSpec,
      status: z.unknown().optional(),
    })
    .transform(({ apiVersion, kind, metadata, spec }): IssuerManifest => ({ apiVersion, kind, metadata, spec }));
}
