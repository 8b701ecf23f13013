// The cert-manager v1 resource shapes this service accepts and reports, after defaults are applied.
// Field names follow cert-manager so manifests written for it work unchanged.

export type Kind = 'Issuer' | 'ClusterIssuer' | 'Certificate' | 'Secret';

export interface ObjectMeta {
  name: string;
  /** Always set for namespaced kinds (defaults to "default"); absent for ClusterIssuer. */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  creationTimestamp?: string;
}

export interface SecretKeySelector {
  name: string;
  key: string;
}

export interface ExternalAccountBinding {
  keyID: string;
  keySecretRef: SecretKeySelector;
  keyAlgorithm?: 'HS256' | 'HS384' | 'HS512';
}

export interface Http01Solver {
  /** Accepted for compatibility; the built-in responder serves challenges behind the user's ingress or proxy. */
  ingress?: Record<string, unknown>;
  gatewayHTTPRoute?: Record<string, unknown>;
}

export interface SolverSelector {
  dnsNames?: string[];
  dnsZones?: string[];
  matchLabels?: Record<string, string>;
}

export interface AcmeSolver {
  selector?: SolverSelector;
  http01?: Http01Solver;
}

export interface AcmeIssuerSpec {
  server: string;
  email?: string;
  privateKeySecretRef: { name: string; key?: string };
  externalAccountBinding?: ExternalAccountBinding;
  /** Base64 of PEM CA certificates trusted for the ACME server's TLS. */
  caBundle?: string;
  skipTLSVerify?: boolean;
  preferredChain?: string;
  /** Use the existing account key in privateKeySecretRef instead of generating one. */
  disableAccountKeyGeneration?: boolean;
  /** Send the Certificate's duration to the ACME server as notAfter. */
  enableDurationFeature?: boolean;
  /** Turns off ACME Renewal Information (RFC 9773), which is used whenever the CA offers it. */
  disableRenewalInfo?: boolean;
  solvers: AcmeSolver[];
}

export interface IssuerSpec {
  acme: AcmeIssuerSpec;
}

export type PrivateKeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519';

export interface CertificatePrivateKey {
  algorithm: PrivateKeyAlgorithm;
  /** RSA: 2048 | 3072 | 4096 | 8192 (default 2048); ECDSA: 256 | 384 | 521 (default 256); Ed25519: 0 (unused). */
  size: number;
  encoding: 'PKCS1' | 'PKCS8';
  rotationPolicy: 'Always' | 'Never';
}

export interface X509Subject {
  organizations?: string[];
  countries?: string[];
  organizationalUnits?: string[];
  localities?: string[];
  provinces?: string[];
  streetAddresses?: string[];
  postalCodes?: string[];
  serialNumber?: string;
}

export interface IssuerRef {
  name: string;
  kind: 'Issuer' | 'ClusterIssuer';
  group: string;
}

export interface CertificateSpec {
  secretName: string;
  issuerRef: IssuerRef;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
  subject?: X509Subject;
  /** Go duration string as given, e.g. "2160h". Defaulted to "2160h". */
  duration: string;
  renewBefore?: string;
  renewBeforePercentage?: number;
  usages: string[];
  isCA: boolean;
  privateKey: CertificatePrivateKey;
  revisionHistoryLimit: number;
  secretTemplate?: { annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface IssuerManifest {
  apiVersion: 'cert-manager.io/v1';
  kind: 'Issuer' | 'ClusterIssuer';
  metadata: ObjectMeta;
  spec: IssuerSpec;
}

export interface CertificateManifest {
  apiVersion: 'cert-manager.io/v1';
  kind: 'Certificate';
  metadata: ObjectMeta & { namespace: string };
  spec: CertificateSpec;
}

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta & { namespace: string };
  type: string;
  /** Decoded values (from base64 `data` merged with `stringData`). Never passed to a workflow. */
  data: Record<string, Buffer>;
}

export type Manifest = IssuerManifest | CertificateManifest | SecretManifest;

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** One field-level problem, reported as a Kubernetes Status cause. */
export interface FieldCause {
  field: string;
  message: string;
  reason?: string;
}
