// What activities need to act as an issuer's ACME account, as workflows pass it to them.
// References only: the account key stays in the secret store.
import type { AcmeIssuerSpec } from './types.ts';

export interface AcmeIssuerContext {
  issuerKind: 'Issuer' | 'ClusterIssuer';
  issuerName: string;
  /** Namespace holding the issuer's secrets (the cluster resource namespace for ClusterIssuers). */
  secretNamespace: string;
  acme: AcmeIssuerSpec;
  accountUrl?: string;
  /** RFC 7638 thumbprint of the key the account was registered with (the Issuer's status.acme.lastPrivateKeyHash). */
  accountKeyThumbprint?: string;
}
