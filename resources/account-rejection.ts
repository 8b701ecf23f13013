// Whether a failed issuance says the issuer's ACME account itself is gone: then the issuer must
// verify (and perhaps re-register) its account, and the failure is not the certificate's fault.
//
// The failure reaches the Certificate wrapped by its CertificateRequest and Order (and maybe a
// Challenge); each level keeps the one below as its cause, so the ACME problem type
// (`acme:<type>`, activities/acme-problem.ts) and the activity that met it are still there.

interface FailureLike {
  type?: unknown;
  activityType?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Problem types that speak of the account, whatever request met them. */
const ACCOUNT_PROBLEMS = new Set([
  'acme:accountDoesNotExist',
  // Raised by our own activities before any request: the key Secret no longer matches the account.
  'AccountKeyChanged',
]);

/**
 * `unauthorized` is also what a CA answers for a failed challenge or an order of another account.
 * Only on newOrder, which touches nothing but the account and the names (refused names get
 * `rejectedIdentifier`), does it mean the account: deactivated, revoked or unknown.
 */
const UNAUTHORIZED_MEANS_ACCOUNT = new Set(['createAcmeOrder']);

export interface AccountRejection {
  /** The failure type found, e.g. acme:accountDoesNotExist. */
  type: string;
  /** The CA's message, for conditions and the issuer's report. */
  message: string;
}

export function accountRejection(err: unknown): AccountRejection | undefined {
  const chain: FailureLike[] = [];
  for (let e = err as FailureLike | undefined; e && typeof e === 'object' && chain.length < 32; e = e.cause as FailureLike | undefined) chain.push(e);
  // The innermost activity failure is the request that met the problem.
  let activity: string | undefined;
  for (const e of chain) {
    if (typeof e.activityType === 'string') activity = e.activityType;
    const type = typeof e.type === 'string' ? e.type : undefined;
    if (!type) continue;
    const isAccount = ACCOUNT_PROBLEMS.has(type) || (type === 'acme:unauthorized' && activity !== undefined && UNAUTHORIZED_MEANS_ACCOUNT.has(activity));
    if (isAccount) return { type, message: typeof e.message === 'string' ? e.message : type };
  }
  return undefined;
}
