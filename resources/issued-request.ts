// What a certificate was requested with, recorded beside it in the Secret, so a later spec change
// to any field that shapes the certificate (names, key, usages, duration, isCA, subject, issuer)
// is seen as "re-issue", and a change to anything else is not. Recorded under Annotation.IssuedRequest.
import { canonicalIp } from './ip.ts';
import { stableJson } from './stable-json.ts';
import type { CertificateSpec } from './types.ts';

const sorted = (xs: string[], canonical = (x: string) => x.toLowerCase()) => [...new Set(xs.map(canonical))].sort();

export function issuedRequest(spec: CertificateSpec): Record<string, unknown> {
  const key = spec.privateKey;
  return {
    commonName: spec.commonName ?? '',
    dnsNames: sorted(spec.dnsNames),
    ipAddresses: sorted(spec.ipAddresses, canonicalIp),
    uris: sorted(spec.uris, (x) => x),
    emailAddresses: sorted(spec.emailAddresses),
    subject: spec.subject ?? {},
    duration: spec.duration,
    usages: sorted(spec.usages),
    isCA: spec.isCA,
    privateKey: { algorithm: key.algorithm, size: key.algorithm === 'Ed25519' ? 0 : key.size, encoding: key.encoding },
    issuerRef: { name: spec.issuerRef.name, kind: spec.issuerRef.kind, group: spec.issuerRef.group },
  };
}

/** The spec fields whose values differ from what the stored certificate was requested with. */
export function changedRequestFields(recorded: string | undefined, spec: CertificateSpec): string[] {
  if (!recorded) return [];
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(recorded) as Record<string, unknown>;
  } catch {
    return [];
  }
  const now = issuedRequest(spec);
  return Object.keys(now)
    .filter((k) => stableJson(before[k]) !== stableJson(now[k]))
    .map((k) => `spec.${k}`);
}
