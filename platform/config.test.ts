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
