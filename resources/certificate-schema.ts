// Certificate (cert-manager.io/v1), with cert-manager's field names and defaults.
import { z } from 'zod';
import type { CertificateManifest, CertificatePrivateKey } from './types.ts';
import { dns1123SubdomainError, dnsNameError } from './names.ts';
import { parseGoDuration } from './duration.ts';
import { emailError, ipAddressError, uriError } from './formats.ts';
import { always, annotationMap, boundedString, checkedString, invalidValue, isRecord, labelMap, MAX_ITEMS, notSupported, report, stringList } from './field-checks.ts';
import { namespacedMetadata } from './metadata-schema.ts';

export const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

const DEFAULT_USAGES = ['digital signature', 'key encipherment'];
const KEY_SIZES = { RSA: [2048, 3072, 4096, 8192], ECDSA: [256, 384, 521] } as const;

function positiveDurationError(s: string): string | undefined {
  const ms = parseGoDuration(s);
  if (ms === undefined) return 'must be a Go duration such as "2160h" or "1h30m" (units: ns, us, ms, s, m, h)';
  return ms > 0 ? undefined : 'must be greater than 0';
}

const commonNameError = (s: string) => (s.length > 64 ? 'must be no more than 64 characters' : undefined);

// Duplicate SANs are almost always a copy-paste slip; names compare case-insensitively like DNS does.
const dnsNames = z
  .array(checkedString(dnsNameError))
  .max(MAX_ITEMS)
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (typeof name !== 'string') return;
      if (seen.has(name.toLowerCase())) report(ctx, `Duplicate value: ${JSON.stringify(name)}`, 'FieldValueDuplicate', [i]);
      seen.add(name.toLowerCase());
    });
  }, always);

const issuerRef = z
  .strictObject({
    name: checkedString(dns1123SubdomainError),
    kind: z.enum(['Issuer', 'ClusterIssuer']).default('Issuer'),
    group: boundedString(253).optional(),
  })
  .superRefine((ref, ctx) => {
    if (typeof ref.group === 'string' && ref.group !== '' && ref.group !== 'cert-manager.io')
      report(ctx, invalidValue(ref.group, 'external issuers are not supported; use "cert-manager.io"'), 'FieldValueNotSupported', ['group']);
  }, always)
  .transform((ref) => ({ name: ref.name, kind: ref.kind, group: 'cert-manager.io' }));

const privateKey = z
  .strictObject({
    algorithm: z.enum(['RSA', 'ECDSA', 'Ed25519']).default('RSA'),
    size: z.number().int().optional(),
    encoding: z.enum(['PKCS1', 'PKCS8']).default('PKCS1'),
    rotationPolicy: z.enum(['Always', 'Never']).default('Always'),
  })
  .transform((pk, ctx): CertificatePrivateKey => {
    if (pk.algorithm === 'Ed25519') return { ...pk, size: 0 }; // Ed25519 has a fixed size; cert-manager ignores the field
    const allowed: readonly number[] = KEY_SIZES[pk.algorithm];
    if (pk.size === undefined) return { ...pk, size: allowed[0]! };
    if (allowed.includes(pk.size)) return { ...pk, size: pk.size };
    report(ctx, `Unsupported value: ${pk.size}: supported values for ${pk.algorithm}: ${allowed.join(', ')}`, 'FieldValueNotSupported', ['size']);
    return z.NEVER;
  })
  .prefault({});

const subject = z.strictObject({
  organizations: stringList.optional(),
  countries: stringList.optional(),
  organizationalUnits: stringList.optional(),
  localities: stringList.optional(),
  provinces: stringList.optional(),
  streetAddresses: stringList.optional(),
  postalCodes: stringList.optional(),
  serialNumber: boundedString(64).optional(),
});

const spec = z
  .strictObject({
    secretName: checkedString(dns1123SubdomainError),
    issuerRef,
    commonName: checkedString(commonNameError).optional(),
    dnsNames: dnsNames.default([]),
    ipAddresses: z.array(checkedString(ipAddressError)).max(MAX_ITEMS).default([]),
    uris: z.array(checkedString(uriError)).max(MAX_ITEMS).default([]),
    emailAddresses: z.array(checkedString(emailError)).max(MAX_ITEMS).default([]),
    subject: subject.optional(),
    duration: checkedString(positiveDurationError).default('2160h'),
    renewBefore: checkedString(positiveDurationError).optional(),
    renewBeforePercentage: z.number().int().min(1).max(99).optional(),
    usages: z.array(z.enum(KEY_USAGES)).max(MAX_ITEMS).optional(),
    isCA: z.boolean().default(false),
    privateKey,
    revisionHistoryLimit: z.number().int().min(1).default(1),
    secretTemplate: z.strictObject({ annotations: annotationMap.optional(), labels: labelMap.optional() }).optional(),
    keystores: notSupported('keystores are not implemented'),
    nameConstraints: notSupported('nameConstraints are not implemented'),
    additionalOutputFormats: notSupported('additionalOutputFormats are not implemented'),
    otherNames: notSupported('otherNames are not implemented'),
    literalSubject: notSupported('literalSubject is not implemented; use commonName and subject'),
    encodeUsagesInRequest: notSupported('encodeUsagesInRequest is not implemented'),
  })
  .superRefine((s, ctx) => {
    if (!isRecord(s)) return;
    const identities = [s['commonName'], s['dnsNames'], s['ipAddresses'], s['uris'], s['emailAddresses']];
    if (!identities.some((v) => (typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length > 0))) {
      report(ctx, 'Required value: at least one of commonName, dnsNames, uris, emailAddresses, or ipAddresses must be set', 'FieldValueRequired');
    }
    if (s['renewBefore'] !== undefined && s['renewBeforePercentage'] !== undefined) {
      report(ctx, 'Forbidden: renewBefore and renewBeforePercentage are mutually exclusive', 'FieldValueForbidden', ['renewBeforePercentage']);
    }
    const duration = typeof s['duration'] === 'string' ? parseGoDuration(s['duration']) : undefined;
    const renewBefore = typeof s['renewBefore'] === 'string' ? parseGoDuration(s['renewBefore']) : undefined;
    if (duration !== undefined && renewBefore !== undefined && renewBefore > 0 && renewBefore >= duration) {
      report(ctx, invalidValue(s['renewBefore'], `must be less than spec.duration (${JSON.stringify(s['duration'])})`), 'FieldValueInvalid', ['renewBefore']);
    }
  }, always)
  .transform(({ keystores, nameConstraints, additionalOutputFormats, otherNames, literalSubject, encodeUsagesInRequest, ...rest }) => ({
    ...rest,
    usages: rest.usages?.length ? rest.usages : DEFAULT_USAGES,
  }));

export const certificateSchema: z.ZodType<CertificateManifest> = z
  .strictObject({
    apiVersion: z.literal('cert-manager.io/v1'),
    kind: z.literal('Certificate'),
    metadata: namespacedMetadata,
    spec,
    status: z.unknown().optional(),
  })
  .transform(({ apiVersion, kind, metadata, spec }): CertificateManifest => ({ apiVersion, kind, metadata, spec }));
