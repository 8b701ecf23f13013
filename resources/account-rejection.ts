// Whether a failed issuance says the issuer's ACME account itself is gone: then the issuer must
// verify (and perhaps re-register) its account, and the failure is not the certificate's fault.
//
// The failure reaches the Certificate wrapped by its CertificateRequest and Order (and maybe a
// Challenge); each level keeps the one below as its cause, so the ACME problem type
// (`acme:<type>`, activities/acme-problem.ts) and the activity that met it are still there.

interface FailureLike {
  type?: unknown;
  details?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * Detail an activity adds to an `acme:unauthorized` failure met on a request that touches nothing
 * but the account and the names: newOrder. (A local activity's failure reaches the workflow
 * without the ActivityFailure that would name the activity, so the failure says it itself.)
 */
export const ACCOUNT_LEVEL = 'account-level';

/** Problem types that speak of the account, whatever request met them. */
const ACCOUNT_PROBLEMS = new Set([
  'acme:accountDoesNotExist',
  // Raised by our own activities before any request: the key Secret no longer matches the account.
  'AccountKeyChanged',
]);

/**
 * `unauthorized` is also what a CA answers for a failed challenge or an order of another account.
 * Only on newOrder (refused names get `rejectedIdentifier`) does it mean the account: deactivated,
 * revoked or unknown. Such failures carry ACCOUNT_LEVEL in their details.
 */
const ACCOUNT_LEVEL_ONLY = new Set(['acme:unauthorized']);

export interface AccountRejection {
  /** The failure type found, e.g. acme:accountDoesNotExist. */
  type: string;
  /** The CA's message, for conditions and the issuer's report. */
  message: string;
}

export function accountRejection(err: unknown): AccountRejection | undefined {
  const chain: FailureLike[] = [];
  for (let e = err as FailureLike | undefined; e && typeof e === 'object' && chain.length < 32; e = e.cause as FailureLike | undefined) chain.push(e);
  for (const e of chain) {
    const type = typeof e.type === 'string' ? e.type : undefined;
    if (!type) continue;
    const accountLevel = Array.isArray(e.details) && e.details.includes(ACCOUNT_LEVEL);
    if (ACCOUNT_PROBLEMS.has(type) || (ACCOUNT_LEVEL_ONLY.has(type) && accountLevel)) {
      return { type, message: typeof e.message === 'string' ? e.message : type };
    }
  }
  return undefined;
}
