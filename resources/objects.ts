// The objects the workflows hold and the API returns: spec plus a cert-manager-shaped status.
import type { CertificateManifest, Condition, IssuerManifest, IssuerRef, ObjectMeta } from './types.ts';

export interface IssuerStatus {
  conditions: Condition[];
  acme?: {
    uri?: string;
    lastRegisteredEmail?: string;
    /**
     * Tracks which account key the account was registered with, as cert-manager's field does; here
     * it is the RFC 7638 thumbprint of the key's public half, so it reveals nothing about the key.
     */
    lastPrivateKeyHash?: string;
  };
}
export type IssuerObject = IssuerManifest & { status: IssuerStatus };

export interface CertificateStatus {
  conditions: Condition[];
  notBefore?: string;
  notAfter?: string;
  renewalTime?: string;
  revision?: number;
  lastFailureTime?: string;
  failedIssuanceAttempts?: number;
  /** The CertificateRequest of the issuance in flight, if any. */
  currentRequest?: string;
  /** ACME Renewal Information (RFC 9773) for the current certificate. */
  renewalInfo?: RenewalInfoStatus;
}

export interface RenewalInfoStatus {
  certID: string;
  suggestedWindow?: { start: string; end: string };
  explanationURL?: string;
  /** The moment picked uniformly at random inside the window. */
  selectedTime?: string;
  lastChecked: string;
  nextCheck: string;
  /** Why the last check failed, if it did (renewal then follows the lifetime rule). */
  error?: string;
}
export type CertificateObject = CertificateManifest & { status: CertificateStatus };

export interface CertificateRequestSpec {
  request: string; // base64 of the PEM CSR, as cert-manager stores it
  issuerRef: IssuerRef;
  duration: string;
  isCA: boolean;
  usages: string[];
}
export interface CertificateRequestStatus {
  conditions: Condition[];
  certificate?: string; // base64 PEM chain
  ca?: string;
  failureTime?: string;
}
export interface CertificateRequestObject {
  apiVersion: 'cert-manager.io/v1';
  kind: 'CertificateRequest';
  metadata: ObjectMeta & { namespace: string; annotations: Record<string, string> };
  spec: CertificateRequestSpec;
  status: CertificateRequestStatus;
}

export type AcmeState = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid' | 'expired' | 'errored';

export interface OrderObject {
  apiVersion: 'acme.cert-manager.io/v1';
  kind: 'Order';
  metadata: ObjectMeta & { namespace: string };
  spec: {
    request: string;
    issuerRef: IssuerRef;
    dnsNames: string[];
    ipAddresses: string[];
    commonName?: string;
    /** RFC 9773: the certificate this order renews, as sent in newOrder. */
    replaces?: string;
  };
  status: {
    url?: string;
    finalizeURL?: string;
    certificate?: string;
    state?: AcmeState;
    reason?: string;
    failureTime?: string;
    authorizations?: {
      url: string;
      identifier: string;
      wildcard: boolean;
      initialState: AcmeState;
      challenge?: string;
    }[];
  };
}

export interface ChallengeObject {
  apiVersion: 'acme.cert-manager.io/v1';
  kind: 'Challenge';
  metadata: ObjectMeta & { namespace: string };
  spec: {
    url: string;
    authorizationURL: string;
    dnsName: string;
    wildcard: boolean;
    type: 'HTTP-01' | 'DNS-01';
    token: string;
    key: string; // key authorization: public (token + account key thumbprint)
    solver: unknown;
    issuerRef: IssuerRef;
  };
  status: { processing: boolean; presented: boolean; reason: string; state?: AcmeState };
}

/** What an Issuer's order gate publishes in its memo (workflows/order-gate.ts). */
export interface OrderGateObject {
  kind: 'OrderGate';
  /** "Issuer team-a/pebble" or "ClusterIssuer letsencrypt". */
  issuer: string;
  limit: number;
  /** Orders holding a slot now. */
  inUse: number;
  /** Orders queued for a slot. */
  waiting: number;
}
