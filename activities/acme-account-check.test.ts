import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { accountCheckOutcome } from './acme-account-check.ts';
import type { AcmeResponse } from './acme-problem.ts';

const P = 'urn:ietf:params:acme:error:';
const problem = (status: number, type: string, detail = 'the detail'): AcmeResponse => ({ status, headers: {}, data: { type: `${P}${type}`, detail } });
const account = (status: string): AcmeResponse => ({ status: 200, headers: {}, data: { status, contact: [] } });

const outcomes: Array<[string, AcmeResponse, boolean, RegExp?]> = [
  ['a valid account', account('valid'), true],
  ['a deactivated account', account('deactivated'), false, /account is deactivated/],
  ['a revoked account', account('revoked'), false, /account is revoked/],
  ['an account the CA forgot (reset)', problem(400, 'accountDoesNotExist', 'Account x not found.'), false, /400 accountDoesNotExist: Account x not found\./],
  ['an account the CA refuses', problem(403, 'unauthorized', 'Account has been deactivated'), false, /403 unauthorized: Account has been deactivated/],
];
for (const [name, resp, valid, reason] of outcomes) {
  test(`accountCheckOutcome: ${name} is ${valid ? 'valid' : 'gone'}`, () => {
    const got = accountCheckOutcome(resp);
    assert.equal(got.valid, valid);
    if (!got.valid) assert.match(got.reason, reason!);
  });
}

const errors: Array<[string, AcmeResponse, boolean]> = [
  ['a server error is retried', problem(500, 'serverInternal'), true],
  ['a rate limit is retried', problem(429, 'rateLimited'), true],
  ['a 200 without status is retried', { status: 200, headers: {}, data: {} }, true],
  ['a malformed request is not an account verdict and not retried', problem(400, 'malformed'), false],
];
for (const [name, resp, retryable] of errors) {
  test(`accountCheckOutcome: ${name}`, () => {
    assert.throws(
      () => accountCheckOutcome(resp),
      (err: unknown) => err instanceof ApplicationFailure && err.nonRetryable === !retryable && /verifying ACME account/.test(err.message),
    );
  });
}
