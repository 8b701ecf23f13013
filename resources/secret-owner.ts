// Every Secret has one owner, the only writer allowed to change it: a Certificate (its issued
// key pair), an Issuer or ClusterIssuer (its generated ACME account key), or the user, for
// Secrets applied through POST /v1/manifests. Owners are plain strings so any store can keep them.
import type { IssuerManifest } from './types.ts';

export type SecretOwner = `Certificate/${string}` | `Issuer/${string}` | `ClusterIssuer/${string}` | 'applied';

export const APPLIED: SecretOwner = 'applied';

/** Status reason when a Secret a Certificate or Issuer would write belongs to someone else. */
export const SECRET_OWNED_BY_OTHER = 'SecretOwnedByOther';

export const certificateOwner = (name: string): SecretOwner => `Certificate/${name}`;

/** The Certificate an owner record names, if it names one. */
export const certificateOf = (owner: string | undefined): string | undefined =>
  owner?.startsWith('Certificate/') && owner.length > 'Certificate/'.length ? owner.slice('Certificate/'.length) : undefined;

export const issuerOwner = (kind: IssuerManifest['kind'], name: string): SecretOwner => `${kind}/${name}`;

export const isIssuerOwner = (owner: string) => owner.startsWith('Issuer/') || owner.startsWith('ClusterIssuer/');

/** For messages: "Certificate/web" reads as is; "applied" needs a word. */
export const describeOwner = (owner: string) => (owner === APPLIED ? 'a Secret applied by a user' : owner);

export function ownedByOtherMessage(namespace: string, name: string, owner: string, claimant: string): string {
  return `Secret ${namespace}/${name} is owned by ${describeOwner(owner)}; ${describeOwner(claimant)} may not write it`;
}
