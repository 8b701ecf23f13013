// Does this Certificate need a new issuance, and why? cert-manager's re-issue triggers as an
// ordered list of small named policies: the first that fires gives the Issuing reason.
import { canonicalIp } from './ip.ts';
import { changedRequestFields } from './issued-request.ts';
import { renewalTime } from './renewal.ts';
import type { SecretSummary } from './secret-summary.ts';
import type { CertificateSpec } from './types.ts';

export interface PolicyInput {
  spec: CertificateSpec;
  secret: SecretSummary;
  now: Date;
  forced: boolean;
  /** The moment chosen inside the CA's ACME Renewal Information window, when there is one. */
  ariRenewalTime?: Date;
}
export interface IssueReason {
  reason: string;
  message: string;
}
type Policy = (input: PolicyInput) => IssueReason | undefined;

const sameSet = (a: string[], b: string[], canonical = (x: string) => x.toLowerCase()) => {
  const sa = new Set(a.map(canonical));
  const sb = new Set(b.map(canonical));
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};

export const secretDoesNotExist: Policy = ({ secret }) => (secret.exists ? undefined : { reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist' });

export const secretMissingData: Policy = ({ secret }) =>
  secret.hasCert && secret.hasKey ? undefined : { reason: 'MissingData', message: 'Issuing certificate as Secret does not contain a certificate and private key' };

export const secretInvalidData: Policy = ({ secret }) =>
  secret.certParseError ? { reason: 'InvalidCertificate', message: `Issuing certificate as Secret contains an invalid certificate: ${secret.certParseError}` } : undefined;

export const keyPairMismatch: Policy = ({ secret }) =>
  secret.keyMatchesCert ? undefined : { reason: 'InvalidKeyPair', message: 'Issuing certificate as Secret contains a private key that does not match the certificate' };

export const issuerChanged: Policy = ({ spec, secret }) =>
  secret.issuerName === spec.issuerRef.name && (secret.issuerKind ?? 'Issuer') === spec.issuerRef.kind
    ? undefined
    : { reason: 'IncorrectIssuer', message: `Issuing certificate as Secret was previously issued by ${secret.issuerKind ?? 'Issuer'}/${secret.issuerName ?? '<none>'}` };

export const privateKeyChanged: Policy = ({ spec, secret }) => {
  const want = spec.privateKey;
  const sizeMatters = want.algorithm !== 'Ed25519';
  if (secret.keyAlgorithm === want.algorithm && (!sizeMatters || secret.keySize === want.size)) return undefined;
  return {
    reason: 'SecretMismatch',
    message:
      `Issuing certificate as Secret's private key is ${secret.keyAlgorithm ?? 'unknown'} ${secret.keySize ?? ''} but spec asks for ${want.algorithm}${sizeMatters ? ` ${want.size}` : ''}`.replace(
        / +/g,
        ' ',
      ),
  };
};

export const requestChanged: Policy = ({ spec, secret }) => {
  const fields = changedRequestFields(secret.issuedRequest, spec);
  const add = (f: string) => void (fields.includes(f) || fields.push(f));
  if (!sameSet(spec.dnsNames, secret.dnsNames)) add('spec.dnsNames');
  if (!sameSet(spec.ipAddresses, secret.ipAddresses, canonicalIp)) add('spec.ipAddresses');
  if (spec.commonName !== undefined && spec.commonName !== secret.commonName) add('spec.commonName');
  return fields.length
    ? { reason: 'RequestChanged', message: `Issuing certificate as the fields on the issued certificate differ from the spec: ${fields.join(', ')}` }
    : undefined;
};

export const renewalDue: Policy = ({ spec, secret, now, ariRenewalTime }) => {
  if (!secret.notBefore || !secret.notAfter) return undefined;
  const byLifetime = renewalTime({
    notBefore: new Date(secret.notBefore),
    notAfter: new Date(secret.notAfter),
    renewBefore: spec.renewBefore,
    renewBeforePercentage: spec.renewBeforePercentage,
  });
  const byAri = ariRenewalTime !== undefined && ariRenewalTime < byLifetime;
  const at = byAri ? ariRenewalTime : byLifetime;
  if (now < at) return undefined;
  const source = byAri ? ' by the ACME Renewal Information window' : '';
  return { reason: 'Renewing', message: `Renewing certificate as renewal was scheduled${source} at ${at.toISOString()}` };
};

export const manuallyTriggered: Policy = ({ forced }) => (forced ? { reason: 'ManuallyTriggered', message: 'Certificate re-issuance manually triggered' } : undefined);

export const ISSUANCE_POLICIES: Policy[] = [
  secretDoesNotExist,
  secretMissingData,
  secretInvalidData,
  keyPairMismatch,
  issuerChanged,
  privateKeyChanged,
  requestChanged,
  renewalDue,
  manuallyTriggered,
];

export function needsIssuance(input: PolicyInput): IssueReason | undefined {
  for (const policy of ISSUANCE_POLICIES) {
    const hit = policy(input);
    if (hit) return hit;
  }
  return undefined;
}
