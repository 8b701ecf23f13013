import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IssueReason } from '../resources/issuance-policy.ts';
import type { CertificateObject } from '../resources/objects.ts';
import type { SecretSummary } from '../resources/secret-summary.ts';
import type { CertificateSpec, Condition } from '../resources/types.ts';
import { CertificateStatusBook } from './certificate-status.ts';

const H = 3_600_000;
const spec = (): CertificateSpec => ({
  secretName: 'web-tls',
  issuerRef: { name: 'le', kind: 'Issuer', group: 'cert-manager.io' },
  dnsNames: ['web.example.com'],
  ipAddresses: [],
  uris: [],
  emailAddresses: [],
  duration: '2160h',
  usages: [],
  isCA: false,
  privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Always' },
  revisionHistoryLimit: 1,
});
const object = (status: CertificateObject['status'] = { conditions: [] }): CertificateObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace: 'ns', generation: 2 },
  spec: spec(),
  status,
});
const cond = (book: CertificateStatusBook, type: string): Condition | undefined => book.object!.status.conditions.find((c) => c.type === type);

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const stored = { notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-04-01T00:00:00.000Z', serialNumber: 'ab' };

test('issuing then issued: revision, validity, renewalTime, Ready True, no Issuing or failure fields', () => {
  const book = new CertificateStatusBook(object({ conditions: [], failedIssuanceAttempts: 2, lastFailureTime: '2025-12-31T00:00:00Z' }));
  book.issuing({ reason: 'DoesNotExist', message: 'no secret' }, 'web-1', t0);
  assert.equal(book.object!.status.currentRequest, 'web-1');
  assert.equal(cond(book, 'Issuing')?.status, 'True');
  assert.equal(cond(book, 'Issuing')?.reason, 'DoesNotExist');
  book.issued(1, stored, at(60_000));
  const s = book.object!.status;
  assert.equal(s.revision, 1);
  assert.equal(s.notBefore, '2026-01-01T00:00:00Z');
  assert.equal(s.notAfter, '2026-04-01T00:00:00Z');
  assert.equal(s.renewalTime, '2026-03-02T00:00:00Z');
  assert.equal(s.failedIssuanceAttempts, undefined);
  assert.equal(s.lastFailureTime, undefined);
  assert.equal(s.currentRequest, undefined);
  assert.equal(cond(book, 'Issuing'), undefined);
  assert.deepEqual(cond(book, 'Ready'), {
    type: 'Ready',
    status: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    lastTransitionTime: '2026-01-01T00:01:00Z',
    observedGeneration: 2,
  });
});

test('issued honours spec.renewBefore for renewalTime', () => {
  const o = object();
  o.spec.renewBefore = '24h';
  const book = new CertificateStatusBook(o);
  book.issued(3, stored, t0);
  assert.equal(book.object!.status.renewalTime, '2026-03-31T00:00:00Z');
  assert.equal(book.object!.status.revision, 3);
});

const failures: Array<[string, number | undefined, number]> = [
  ['first failure', undefined, 1],
  ['third failure', 2, 3],
];
for (const [name, before, after] of failures) {
  test(`failed (${name}): failedIssuanceAttempts ${before ?? 0} -> ${after}, lastFailureTime, Issuing False/Failed`, () => {
    const book = new CertificateStatusBook(object({ conditions: [], failedIssuanceAttempts: before, currentRequest: 'web-1' }));
    book.issuing({ reason: 'Renewing', message: 'due' }, 'web-1', t0);
    book.failed('order failed: rejectedIdentifier', new Date('2026-01-01T00:00:05.500Z'));
    const s = book.object!.status;
    assert.equal(s.failedIssuanceAttempts, after);
    assert.equal(s.lastFailureTime, '2026-01-01T00:00:05Z');
    assert.equal(s.currentRequest, undefined);
    const issuing = cond(book, 'Issuing');
    assert.equal(issuing?.status, 'False');
    assert.equal(issuing?.reason, 'Failed');
    assert.equal(issuing?.message, 'order failed: rejectedIdentifier');
  });
}

const bounds = { minMs: 1000, maxMs: 8000 };
const backoffCases: Array<[string, number, number, number]> = [
  // failures, ms elapsed since lastFailureTime, expected remaining
  ['1 failure just now waits min', 1, 0, 1000],
  ['2 failures just now wait 2x', 2, 0, 2000],
  ['3 failures, 1 s later, 3 s left', 3, 1000, 3000],
  ['10 failures are capped', 10, 0, 8000],
  ['elapsed backoff is not positive', 1, 5000, -4000],
];
for (const [name, failures, elapsed, expected] of backoffCases) {
  test(`backoffRemainingMs: ${name}`, () => {
    const book = new CertificateStatusBook(object({ conditions: [] }));
    for (let i = 0; i < failures; i++) book.failed('x', t0);
    assert.equal(book.backoffRemainingMs(bounds, at(elapsed)), expected);
  });
}

test('backoffRemainingMs: never failed is 0', () => {
  const book = new CertificateStatusBook(object());
  assert.equal(book.backoffRemainingMs(bounds, t0), 0);
});

test('backoffRemainingMs: issued clears the backoff', () => {
  const book = new CertificateStatusBook(object());
  book.failed('x', t0);
  book.issued(1, stored, t0);
  assert.equal(book.backoffRemainingMs(bounds, t0), 0);
});

const healthy = (): SecretSummary => ({
  exists: true,
  hasCert: true,
  hasKey: true,
  keyMatchesCert: true,
  dnsNames: ['web.example.com'],
  ipAddresses: [],
  notBefore: stored.notBefore,
  notAfter: stored.notAfter,
  keyAlgorithm: 'ECDSA',
  keySize: 256,
  issuerName: 'le',
  issuerKind: 'Issuer',
});
const missing: SecretSummary = { exists: false, hasCert: false, hasKey: false, keyMatchesCert: false, dnsNames: [], ipAddresses: [] };
const reason = (r: string): IssueReason => ({ reason: r, message: `because ${r}` });
const during = new Date('2026-02-01T00:00:00Z');
const afterExpiry = new Date('2026-04-01T00:00:00Z');

const observe: Array<[string, SecretSummary, IssueReason | undefined, Date, string, string]> = [
  ['healthy and nothing to do', healthy(), undefined, during, 'True', 'Ready'],
  ['Renewing keeps Ready True', healthy(), reason('Renewing'), during, 'True', 'Ready'],
  ['ManuallyTriggered keeps Ready True', healthy(), reason('ManuallyTriggered'), during, 'True', 'Ready'],
  ['DoesNotExist sets Ready False', missing, reason('DoesNotExist'), during, 'False', 'DoesNotExist'],
  ['MissingData sets Ready False', { ...healthy(), hasKey: false, keyMatchesCert: false }, reason('MissingData'), during, 'False', 'MissingData'],
  ['IncorrectIssuer sets Ready False', healthy(), reason('IncorrectIssuer'), during, 'False', 'IncorrectIssuer'],
  ['RequestChanged sets Ready False', healthy(), reason('RequestChanged'), during, 'False', 'RequestChanged'],
  ['Renewing with a key mismatch is not Ready', { ...healthy(), keyMatchesCert: false }, reason('Renewing'), during, 'False', 'Renewing'],
  ['expired cert is Ready False Expired', healthy(), reason('Renewing'), afterExpiry, 'False', 'Expired'],
  ['expired cert without reason is still Expired', healthy(), undefined, new Date('2026-05-01T00:00:00Z'), 'False', 'Expired'],
];
for (const [name, secret, why, now, status, readyReason] of observe) {
  test(`observeSecret: ${name}`, () => {
    const book = new CertificateStatusBook(object());
    book.observeSecret(secret, why, now);
    const ready = cond(book, 'Ready');
    assert.equal(ready?.status, status);
    assert.equal(ready?.reason, readyReason);
    assert.equal(ready?.observedGeneration, 2);
    if (readyReason === 'Expired') assert.match(ready!.message, /2026-04-01T00:00:00.000Z/);
    else if (status === 'False') assert.equal(ready!.message, why!.message);
  });
}

test('observeSecret: a valid Secret records its validity and renewalTime', () => {
  const book = new CertificateStatusBook(object());
  book.observeSecret(healthy(), undefined, during);
  const s = book.object!.status;
  assert.deepEqual([s.notBefore, s.notAfter, s.renewalTime], ['2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z', '2026-03-02T00:00:00Z']);
});

test('observeSecret: a missing Secret does not invent validity dates', () => {
  const book = new CertificateStatusBook(object());
  book.observeSecret(missing, reason('DoesNotExist'), during);
  assert.equal(book.object!.status.notAfter, undefined);
  assert.equal(book.object!.status.renewalTime, undefined);
});

const resync = 10 * H;
const renewAt = new Date('2026-03-02T00:00:00Z');
const sleepCases: Array<[string, string | undefined, Date, number]> = [
  ['no renewalTime sleeps the resync period', undefined, during, resync],
  ['renewal far away is capped by resync', '2026-03-02T00:00:00Z', during, resync],
  ['renewal in 2 h sleeps 2 h', '2026-03-02T00:00:00Z', new Date(renewAt.getTime() - 2 * H), 2 * H],
  ['renewal due now sleeps at least 1 s', '2026-03-02T00:00:00Z', renewAt, 1000],
  ['renewal in the past sleeps at least 1 s', '2026-03-02T00:00:00Z', new Date(renewAt.getTime() + H), 1000],
  ['renewal in 200 ms sleeps 1 s', '2026-03-02T00:00:00Z', new Date(renewAt.getTime() - 200), 1000],
];
for (const [name, renewalTime, now, expected] of sleepCases) {
  test(`msUntilWake: ${name}`, () => {
    const book = new CertificateStatusBook(object({ conditions: [], renewalTime }));
    assert.equal(book.msUntilWake(resync, now), expected);
  });
}

test('Ready lastTransitionTime only moves when the status flips', () => {
  const book = new CertificateStatusBook(object());
  book.observeSecret(healthy(), undefined, new Date('2026-01-10T00:00:00Z'));
  book.observeSecret(healthy(), reason('Renewing'), new Date('2026-03-03T00:00:00Z'));
  assert.equal(cond(book, 'Ready')?.lastTransitionTime, '2026-01-10T00:00:00Z');
  book.observeSecret(healthy(), reason('Renewing'), afterExpiry);
  assert.equal(cond(book, 'Ready')?.lastTransitionTime, '2026-04-01T00:00:00Z');
});

test('backingOff keeps the failure message and appends the next attempt time once', () => {
  const book = new CertificateStatusBook(object());
  book.failed('order failed.', t0);
  book.backingOff(H, t0);
  book.backingOff(2 * H, t0);
  assert.equal(cond(book, 'Issuing')?.message, 'order failed. Next attempt at 2026-01-01T02:00:00Z.');
});

test('lateSlotWait: a wait notice is late only after the wait of the same issuance ended', () => {
  const W = 'Waiting for a free order slot of Issuer ns/le: 1 of 1 in use';
  const cases: { name: string; notices: (string | undefined)[]; newIssuance?: boolean; late: boolean }[] = [
    { name: 'no notice yet', notices: [], late: false },
    { name: 'waiting', notices: [W], late: false },
    { name: 'the wait ended', notices: [W, undefined], late: true },
    { name: 'the end came first (the wait notice was retried)', notices: [undefined], late: true },
    { name: 'the wait ended, then a new issuance began', notices: [W, undefined], newIssuance: true, late: false },
  ];
  for (const c of cases) {
    const book = new CertificateStatusBook(object());
    book.issuing({ reason: 'DoesNotExist', message: 'no secret' }, 'web-1', t0);
    for (const n of c.notices) book.orderSlotWaiting(n, t0);
    if (c.newIssuance) book.issuing({ reason: 'DoesNotExist', message: 'no secret' }, 'web-2', t0);
    assert.equal(book.lateSlotWait(W), c.late, c.name);
    assert.equal(book.lateSlotWait(undefined), false, `${c.name}: an end is never late`);
  }
});
