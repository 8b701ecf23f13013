// The reasons workflows write into conditions (cert-manager's names where cert-manager has one),
// so users and scripts can match on them. Why a Certificate is (re-)issued is in
// issuance-policy.ts; a Secret owned by someone else is SECRET_OWNED_BY_OTHER in secret-owner.ts.
export const Reason = {
  // Certificate
  Ready: 'Ready',
  Expired: 'Expired',
  Failed: 'Failed',
  IssuerNotFound: 'IssuerNotFound',
  IssuerNotReady: 'IssuerNotReady',
  StoreFailed: 'StoreFailed',
  // CertificateRequest
  Approved: 'cert-manager.io',
  Pending: 'Pending',
  Issued: 'Issued',
  Cancelled: 'Cancelled',
  // Issuer, ClusterIssuer
  AccountRegistered: 'ACMEAccountRegistered',
  AccountReregistered: 'ACMEAccountReregistered',
  AccountVerified: 'ACMEAccountVerified',
  VerifyingAccount: 'VerifyingACMEAccount',
  ReregisteringAccount: 'ReregisteringACMEAccount',
  ErrRegisterAccount: 'ErrRegisterACMEAccount',
  ErrVerifyAccount: 'ErrVerifyACMEAccount',
} as const;
