// The condition types the resources carry (cert-manager's names). Workflows set them; the issuer
// lookup, the API and users read them.
export const ConditionType = {
  /** Certificate, CertificateRequest, Issuer, ClusterIssuer: usable as it is. */
  Ready: 'Ready',
  /** Certificate: an issuance is in progress, or waits, and why. */
  Issuing: 'Issuing',
  /** CertificateRequest: approved for signing (always, by this service). */
  Approved: 'Approved',
} as const;
