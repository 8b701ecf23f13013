import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_LEVEL, accountRejection } from './account-rejection.ts';

// The shapes Temporal hands a parent workflow: child failure -> application failure -> ... ->
// (activity failure, for regular activities) -> the activity's application failure.
const acme = (type: string, message = `creating ACME order: 400 ${type}: detail`, details?: unknown[]) => ({ type: `acme:${type}`, message, details });
const onNewOrder = (type: string) => acme(type, `creating ACME order: 403 ${type}: detail`, [ACCOUNT_LEVEL]);
const activity = (activityType: string, cause: unknown) => ({ message: 'activity failed', activityType, cause });
const child = (cause: unknown) => ({ message: 'Child Workflow execution failed', cause });
const app = (type: string, message: string, cause?: unknown) => ({ type, message, cause });
/** Certificate <- CertificateRequest <- Order <- what the Order met. */
const fromOrder = (inner: unknown) => child(app('CertificateRequestFailed', 'x', child(app('OrderFailed', 'x', inner))));
/** ... <- Order <- Challenge <- what the Challenge met. */
const fromChallenge = (inner: unknown) => fromOrder(child(app('ChallengeFailed', 'Challenge for a.test failed', inner)));

const cases: Array<[string, unknown, string | undefined]> = [
  ['accountDoesNotExist on newOrder', fromOrder(activity('createAcmeOrder', acme('accountDoesNotExist'))), 'acme:accountDoesNotExist'],
  ['accountDoesNotExist on an authorization fetch', fromOrder(activity('getAcmeAuthorization', acme('accountDoesNotExist'))), 'acme:accountDoesNotExist'],
  ['accountDoesNotExist while accepting a challenge', fromChallenge(activity('acceptAcmeChallenge', acme('accountDoesNotExist'))), 'acme:accountDoesNotExist'],
  ['unauthorized on newOrder (deactivated account)', fromOrder(onNewOrder('unauthorized')), 'acme:unauthorized'],
  ['unauthorized on newOrder from a regular activity', fromOrder(activity('createAcmeOrder', onNewOrder('unauthorized'))), 'acme:unauthorized'],
  ['accountDoesNotExist from a local activity (no ActivityFailure)', fromOrder(acme('accountDoesNotExist')), 'acme:accountDoesNotExist'],
  ['unauthorized on newOrder without the account-level detail', fromOrder(activity('createAcmeOrder', acme('unauthorized'))), undefined],
  ['account-level detail on another problem type', fromOrder(acme('rejectedIdentifier', 'x', [ACCOUNT_LEVEL])), undefined],
  ['the account key Secret changed', fromOrder(activity('createAcmeOrder', app('AccountKeyChanged', 'key changed'))), 'AccountKeyChanged'],
  ['unauthorized on an authorization of another account', fromOrder(activity('getAcmeAuthorization', acme('unauthorized'))), undefined],
  ['unauthorized when accepting a challenge', fromChallenge(activity('acceptAcmeChallenge', acme('unauthorized'))), undefined],
  ['unauthorized on finalize', fromOrder(activity('finalizeAcmeOrder', acme('unauthorized'))), undefined],
  ['unauthorized with no activity in the chain', fromOrder(acme('unauthorized')), undefined],
  ['a challenge the CA could not validate', fromChallenge(app('ChallengeFailed', 'Challenge for a.test failed: 403 unauthorized: Invalid response')), undefined],
  ['rejectedIdentifier on newOrder', fromOrder(activity('createAcmeOrder', acme('rejectedIdentifier'))), undefined],
  ['a server error', fromOrder(activity('createAcmeOrder', acme('serverInternal'))), undefined],
  ['a plain Error', new Error('boom'), undefined],
  ['not an object', 'boom', undefined],
  ['undefined', undefined, undefined],
];

for (const [name, err, want] of cases) {
  test(`accountRejection: ${name} -> ${want ?? 'not an account problem'}`, () => {
    assert.equal(accountRejection(err)?.type, want);
  });
}

test('accountRejection: carries the CA message', () => {
  const r = accountRejection(fromOrder(activity('createAcmeOrder', acme('accountDoesNotExist', 'creating ACME order: 400 accountDoesNotExist: Account x not found.'))));
  assert.equal(r?.message, 'creating ACME order: 400 accountDoesNotExist: Account x not found.');
});

test('accountRejection: a cause cycle does not hang', () => {
  const a: { type: string; cause?: unknown } = { type: 'X' };
  a.cause = a;
  assert.equal(accountRejection(a), undefined);
});
