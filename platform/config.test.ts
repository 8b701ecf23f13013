import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

test('ACME_ACCOUNT_RECHECK_PERIOD: 24h by default', () => {
  assert.equal(loadConfig({}).issuers.accountRecheckMs, 24 * 60 * 60_000);
});

test('ACME_ACCOUNT_RECHECK_PERIOD: a Go duration', () => {
  assert.equal(loadConfig({ ACME_ACCOUNT_RECHECK_PERIOD: '1h30m' }).issuers.accountRecheckMs, 90 * 60_000);
});

for (const bad of ['soon', '0s', '-1h']) {
  test(`ACME_ACCOUNT_RECHECK_PERIOD: "${bad}" is refused, naming the variable`, () => {
    assert.throws(() => loadConfig({ ACME_ACCOUNT_RECHECK_PERIOD: bad }), /ACME_ACCOUNT_RECHECK_PERIOD: .*positive Go duration/);
  });
}

test('CERTIFICATE_RESYNC_PERIOD: 10h by default (the watch wakes Certificates for Secret changes)', () => {
  assert.equal(loadConfig({}).certificates.resyncMs, 10 * 60 * 60_000);
  assert.equal(loadConfig({ CERTIFICATE_RESYNC_PERIOD: '10m' }).certificates.resyncMs, 10 * 60_000);
});

const secretWatch: Array<[string | undefined, boolean]> = [
  [undefined, true],
  ['', true],
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
];
for (const [value, want] of secretWatch) {
  test(`SECRET_WATCH=${JSON.stringify(value)}: ${want ? 'on' : 'off'}`, () => {
    assert.equal(loadConfig(value === undefined ? {} : { SECRET_WATCH: value }).secretWatch, want);
  });
}

test('SECRET_WATCH: anything else is refused, naming the variable', () => {
  assert.throws(() => loadConfig({ SECRET_WATCH: 'off' }), /SECRET_WATCH/);
});

test('ISSUER_MAX_CONCURRENT_ORDERS and ORDER_GATE_CHECK_PERIOD: 100 and 1m by default, settable; gates on <TEMPORAL_TASK_QUEUE>-order-gates', () => {
  assert.deepEqual(loadConfig({}).orderGate, { maxConcurrentOrders: 100, leakCheckMs: 60_000, firstReaskMs: 60_000, taskQueue: 'cert-manager-order-gates' });
  assert.deepEqual(loadConfig({ ISSUER_MAX_CONCURRENT_ORDERS: '5', ORDER_GATE_CHECK_PERIOD: '30s', TEMPORAL_TASK_QUEUE: 'certs-eu' }).orderGate, {
    maxConcurrentOrders: 5,
    leakCheckMs: 30_000,
    firstReaskMs: 60_000,
    taskQueue: 'certs-eu-order-gates',
  });
});

test('KEY_POOL_SIZE: 8 by default, 0 turns the pool off', () => {
  assert.equal(loadConfig({}).keyPoolSize, 8);
  assert.equal(loadConfig({ KEY_POOL_SIZE: '0' }).keyPoolSize, 0);
  for (const bad of ['-1', '2.5', 'lots', '1001']) assert.throws(() => loadConfig({ KEY_POOL_SIZE: bad }), /KEY_POOL_SIZE: /, bad);
});

test('MALLOC_TRIM_PERIOD: a minute by default, a Go duration, 0 turns trimming off', () => {
  assert.equal(loadConfig({}).mallocTrimMs, 60_000);
  assert.equal(loadConfig({ MALLOC_TRIM_PERIOD: '5m' }).mallocTrimMs, 300_000);
  assert.equal(loadConfig({ MALLOC_TRIM_PERIOD: '0' }).mallocTrimMs, 0);
  for (const bad of ['-1s', 'often', '60']) assert.throws(() => loadConfig({ MALLOC_TRIM_PERIOD: bad }), /MALLOC_TRIM_PERIOD: /, bad);
});

for (const bad of ['0', '-3', '2.5', 'many']) {
  test(`ISSUER_MAX_CONCURRENT_ORDERS: "${bad}" is refused, naming the variable`, () => {
    assert.throws(() => loadConfig({ ISSUER_MAX_CONCURRENT_ORDERS: bad }), /ISSUER_MAX_CONCURRENT_ORDERS: /);
  });
}
