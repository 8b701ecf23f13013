// How the Certificate workflow names its Secret to the secret activities, and what they report
// back about a stored certificate. Facts only: the key pair never leaves the secret store.
import type { CertificateSpec, IssuerRef } from './types.ts';

export interface CertificateRef {
  namespace: string;
  certificateName: string;
  secretName: string;
}

/** An issued chain to store beside the Certificate's pending key, with what it was requested for. */
export interface IssuedChain {
  chainPem: string;
  caPem?: string;
  issuerRef: IssuerRef;
  spec: CertificateSpec;
}

export interface StoredCertificate {
  notBefore: string;
  notAfter: string;
  serialNumber: string;
}
