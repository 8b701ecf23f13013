// Annotation and label keys written on Secrets and on the objects of an issuance (cert-manager's
// where it has one). Activities write them, workflows set them on objects, the API and policies read them.
export const Annotation = {
  /** The Certificate a Secret or CertificateRequest was issued for; also evidence for adopting old Secrets. */
  CertificateName: 'cert-manager.io/certificate-name',
  /** The Certificate revision a CertificateRequest was made for. */
  CertificateRevision: 'cert-manager.io/certificate-revision',
  IssuerName: 'cert-manager.io/issuer-name',
  IssuerKind: 'cert-manager.io/issuer-kind',
  IssuerGroup: 'cert-manager.io/issuer-group',
  CommonName: 'cert-manager.io/common-name',
  AltNames: 'cert-manager.io/alt-names',
  IpSans: 'cert-manager.io/ip-sans',
  UriSans: 'cert-manager.io/uri-sans',
  /** What the stored certificate was requested with (resources/issued-request.ts). */
  IssuedRequest: 'cert-manager.temporal.io/issued-request',
} as const;

export const Label = {
  /** On a Certificate's CertificateRequests. */
  CertificateName: 'cert-manager.io/certificate-name',
  /** On a CertificateRequest's Orders. */
  CertificateRequestName: 'cert-manager.io/certificate-request-name',
  /** On an Order's Challenges. */
  OrderName: 'acme.cert-manager.io/order-name',
} as const;
