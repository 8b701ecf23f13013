// What the CA's answer to a POST-as-GET of the account URL says about the account. A gone
// account (unknown to the CA after a reset, deactivated, revoked) is re-registered by the Issuer;
// anything else that is not a clean answer is an error to retry.
import { ApplicationFailure } from '@temporalio/common';
import { acmeFailure, describeProblem, problemType, type AcmeResponse } from './acme-problem.ts';

export type AccountCheck = { valid: true } | { valid: false; reason: string };

/** Problem types with which a CA refuses a request about the account itself. */
const GONE = new Set(['accountDoesNotExist', 'unauthorized']);

export function accountCheckOutcome(resp: AcmeResponse): AccountCheck {
  if (resp.status === 200) {
    const status = (resp.data as { status?: unknown } | undefined)?.status;
    if (status === 'valid') return { valid: true };
    if (typeof status === 'string') return { valid: false, reason: `the ACME server says the account is ${status}` };
    throw ApplicationFailure.retryable(`verifying ACME account: answer without an account status: ${JSON.stringify(resp.data).slice(0, 200)}`, 'acme:badAccount');
  }
  const type = problemType(resp.data);
  if (type && GONE.has(type)) return { valid: false, reason: describeProblem(resp) };
  throw acmeFailure(resp, 'verifying ACME account');
}
