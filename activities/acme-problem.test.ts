import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationFailure } from '@temporalio/common';
import { ACCOUNT_LEVEL, accountRejection } from '../resources/account-rejection.ts';
import { acmeFailure, clip, describeProblem, ensureOk, markAccountLevel, problemType, retryAfterMs, type AcmeResponse } from './acme-problem.ts';

const P = 'urn:ietf:params:acme:error:';
const resp = (status: number, type: string | undefined, headers: Record<string, unknown> = {}, detail = 'the detail'): AcmeResponse => ({
  status,
  headers,
  data: type === undefined ? { detail } : { type: `${P}${type}`, detail },
});

const retryCases: Array<[string, AcmeResponse, boolean, string]> = [
  ['429 rateLimited', resp(429, 'rateLimited'), true, 'acme:rateLimited'],
  ['429 with no problem type', resp(429, undefined), true, 'acme:http429'],
  ['500 serverInternal', resp(500, 'serverInternal'), true, 'acme:serverInternal'],
  ['503 with no problem body', { status: 503, headers: {}, data: 'Service Unavailable' }, true, 'acme:http503'],
  ['400 badNonce', resp(400, 'badNonce'), true, 'acme:badNonce'],
  ['400 rateLimited (type alone makes it retryable)', resp(400, 'rateLimited'), true, 'acme:rateLimited'],
  ['400 malformed', resp(400, 'malformed'), false, 'acme:malformed'],
  ['403 unauthorized', resp(403, 'unauthorized'), false, 'acme:unauthorized'],
  ['400 rejectedIdentifier', resp(400, 'rejectedIdentifier'), false, 'acme:rejectedIdentifier'],
  ['400 badCSR', resp(400, 'badCSR'), false, 'acme:badCSR'],
  ['403 externalAccountRequired', resp(403, 'externalAccountRequired'), false, 'acme:externalAccountRequired'],
  ['404 with no problem type', resp(404, undefined), false, 'acme:http404'],
];

for (const [name, r, retryable, type] of retryCases) {
  test(`acmeFailure: ${name} is ${retryable ? 'retryable' : 'non-retryable'} with type ${type}`, () => {
    const f = acmeFailure(r, 'new order');
    assert.equal(f.nonRetryable, !retryable);
    assert.equal(f.type, type);
    assert.match(f.message, /^new order: /);
    assert.ok(f.message.includes(String(r.status)), `message has the HTTP status: ${f.message}`);
    if (typeof r.data === 'object') assert.ok(f.message.includes('the detail'), `message has the detail: ${f.message}`);
  });
}

const now = Date.now();
const httpDate = (ms: number) => new Date(ms).toUTCString();

const delayCases: Array<[string, AcmeResponse, number | undefined, number?]> = [
  ['retryable with Retry-After seconds', resp(429, 'rateLimited', { 'retry-after': '120' }), 120_000],
  ['retryable with numeric Retry-After', resp(503, undefined, { 'retry-after': 30 }), 30_000],
  ['retryable with Retry-After 0 is at least 1 s', resp(429, 'rateLimited', { 'retry-after': '0' }), 1000],
  ['retryable with HTTP-date in the past is at least 1 s', resp(429, 'rateLimited', { 'retry-after': httpDate(now - 60_000) }), 1000],
  ['retryable without Retry-After uses the default schedule', resp(429, 'rateLimited'), undefined],
  ['retryable with garbage Retry-After uses the default schedule', resp(429, 'rateLimited', { 'retry-after': 'soon' }), undefined],
  ['non-retryable ignores Retry-After', resp(400, 'malformed', { 'retry-after': '120' }), undefined],
  ['non-retryable ignores a Retry-After date', resp(403, 'unauthorized', { 'retry-after': httpDate(now + 600_000) }), undefined],
];
for (const [name, r, expected] of delayCases) {
  test(`acmeFailure nextRetryDelay: ${name}`, () => {
    assert.equal(acmeFailure(r, 'ctx').nextRetryDelay, expected);
  });
}

test('acmeFailure nextRetryDelay: retryable with a future HTTP-date waits until then', () => {
  const f = acmeFailure(resp(503, 'serverInternal', { 'retry-after': httpDate(Date.now() + 300_000) }), 'ctx');
  const d = f.nextRetryDelay as number;
  // HTTP-date has second precision and some time passes in the test
  assert.ok(d > 298_000 && d <= 300_000, `delay ${d}`);
});

const base = Date.parse('2026-01-01T00:00:00Z');
const parseCases: Array<[string, Record<string, unknown>, number | undefined]> = [
  ['absent', {}, undefined],
  ['integer seconds', { 'retry-after': '5' }, 5000],
  ['integer seconds with spaces', { 'retry-after': ' 7 ' }, 7000],
  ['number value', { 'retry-after': 3 }, 3000],
  ['HTTP-date 90 s ahead', { 'retry-after': 'Thu, 01 Jan 2026 00:01:30 GMT' }, 90_000],
  ['HTTP-date in the past clamps to 0', { 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, 0],
  ['garbage', { 'retry-after': 'later' }, undefined],
  ['non-string value', { 'retry-after': ['5'] }, undefined],
];
for (const [name, headers, expected] of parseCases) {
  test(`retryAfterMs: ${name}`, () => {
    assert.equal(retryAfterMs(headers, base), expected);
  });
}

// RFC 9110 delay-seconds is 1*DIGIT; V8's lenient Date.parse reads "1.5" and "-5" as dates in 2001.
const invalidSeconds = ['1.5', '-5'];
for (const value of invalidSeconds) {
  test(`retryAfterMs: invalid delay-seconds ${JSON.stringify(value)} is unparseable`, () => {
    assert.equal(retryAfterMs({ 'retry-after': value }, base), undefined);
  });
}

const typeCases: Array<[unknown, string | undefined]> = [
  [{ type: `${P}badNonce` }, 'badNonce'],
  [{ type: 'about:blank' }, 'about:blank'],
  [{}, undefined],
  [undefined, undefined],
  ['text', undefined],
];
for (const [data, expected] of typeCases) {
  test(`problemType(${JSON.stringify(data)}) = ${expected}`, () => {
    assert.equal(problemType(data), expected);
  });
}

test('describeProblem lists subproblems with their identifiers', () => {
  const text = describeProblem({
    status: 400,
    headers: {},
    data: {
      type: `${P}rejectedIdentifier`,
      detail: 'some names were rejected',
      subproblems: [{ type: `${P}rejectedIdentifier`, detail: 'forbidden', identifier: { value: 'bad.example' } }],
    },
  });
  assert.equal(text, '400 rejectedIdentifier: some names were rejected (bad.example: forbidden)');
});

const okCases: Array<[string, number, number[] | undefined, boolean]> = [
  ['200 is ok by default', 200, undefined, true],
  ['201 is ok by default', 201, undefined, true],
  ['204 is not ok by default', 204, undefined, false],
  ['204 is ok when listed', 204, [204], true],
  ['400 throws', 400, undefined, false],
];
for (const [name, status, ok, passes] of okCases) {
  test(`ensureOk: ${name}`, () => {
    const r = resp(status, status >= 400 ? 'malformed' : undefined);
    if (passes) assert.equal(ensureOk(r, 'ctx', ok), r);
    else
      assert.throws(
        () => ensureOk(r, 'ctx', ok),
        (e: Error & { type?: string }) => e.type?.startsWith('acme:') === true,
      );
  });
}

test('markAccountLevel: an unauthorized on newOrder becomes an account rejection, nothing else does', () => {
  const unauthorized = acmeFailure(resp(403, 'unauthorized'), 'creating ACME order');
  const marked = markAccountLevel(unauthorized) as ApplicationFailure;
  assert.equal(marked.type, 'acme:unauthorized');
  assert.equal(marked.message, unauthorized.message);
  assert.equal(marked.nonRetryable, true);
  assert.deepEqual(marked.details, [ACCOUNT_LEVEL]);
  assert.equal(accountRejection(unauthorized), undefined, "unmarked: could be a challenge or another account's object");
  assert.equal(accountRejection(marked)?.type, 'acme:unauthorized');

  const rejected = acmeFailure(resp(400, 'rejectedIdentifier'), 'creating ACME order');
  assert.equal(markAccountLevel(rejected), rejected);
  const plain = new Error('network');
  assert.equal(markAccountLevel(plain), plain);
});

test('bodies quoted in errors are cut to a few hundred characters', () => {
  const page = `<html>${'x'.repeat(5000)}</html>`;
  const table: [AcmeResponse, RegExp, number][] = [
    [{ status: 200, headers: {}, data: page }, /^200 error: <html>x+…$/, 300],
    [{ status: 502, headers: {}, data: { type: `${P}serverInternal`, detail: 'd'.repeat(1000) } }, /^502 serverInternal: d+…$/, 300],
    [{ status: 404, headers: {}, data: { huge: 'y'.repeat(1000) } }, /^404 error: \{"huge":"y+…$/, 300],
    [{ status: 400, headers: {}, data: Buffer.from('z'.repeat(1000)) }, /^400 error: z+…$/, 300],
    [{ status: 400, headers: {}, data: { type: `${P}malformed`, detail: 'short' } }, /^400 malformed: short$/, 5],
    [{ status: 500, headers: {}, data: undefined }, /^500 error: undefined$/, 9],
  ];
  for (const [r, want, quoted] of table) {
    const text = describeProblem(r);
    assert.match(text, want);
    const body = text.slice(text.indexOf(': ') + 2);
    assert.equal(body.replace(/…$/, '').length, quoted, text.slice(0, 40));
  }
  const failure = acmeFailure({ status: 403, headers: {}, data: page }, 'fetching ACME order');
  assert.ok(failure.message.length < 400, `message of ${failure.message.length} characters`);
  assert.equal(clip('abc', 3), 'abc');
  assert.equal(clip('abcd', 3), 'abc…');
});
