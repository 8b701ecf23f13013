// What an activity reports about a certificate Secret: facts about the stored certificate and
// whether its key matches. Never the key itself.
export interface SecretSummary {
  exists: boolean;
  /** Set when another owner (resources/secret-owner.ts) holds the Secret: the Certificate must not write it. */
  ownedBy?: string;
  hasCert: boolean;
  hasKey: boolean;
  keyMatchesCert: boolean;
  certParseError?: string;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore?: string;
  notAfter?: string;
  serialNumber?: string;
  keyAlgorithm?: 'RSA' | 'ECDSA' | 'Ed25519';
  keySize?: number;
  /** cert-manager.io/issuer-name, -kind annotations written with the certificate. */
  issuerName?: string;
  issuerKind?: string;
  /** The request the stored certificate was made for (resources/issued-request.ts), as JSON. */
  issuedRequest?: string;
  /** RFC 9773 certificate identifier: base64url(AKI keyIdentifier) "." base64url(serial DER). */
  ariCertId?: string;
}
