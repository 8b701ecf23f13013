import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ISSUANCE_BACKOFF, issuanceBackoff, type BackoffBounds } from './backoff.ts';

const H = 3_600_000;
const seconds: BackoffBounds = { minMs: 1000, maxMs: 10_000 };

const cases: Array<[string, number, BackoffBounds, number]> = [
  ['0 attempts waits nothing', 0, DEFAULT_ISSUANCE_BACKOFF, 0],
  ['negative attempts waits nothing', -3, DEFAULT_ISSUANCE_BACKOFF, 0],
  ['1 attempt waits 1h', 1, DEFAULT_ISSUANCE_BACKOFF, 1 * H],
  ['2 attempts wait 2h', 2, DEFAULT_ISSUANCE_BACKOFF, 2 * H],
  ['3 attempts wait 4h', 3, DEFAULT_ISSUANCE_BACKOFF, 4 * H],
  ['4 attempts wait 8h', 4, DEFAULT_ISSUANCE_BACKOFF, 8 * H],
  ['5 attempts wait 16h', 5, DEFAULT_ISSUANCE_BACKOFF, 16 * H],
  ['6 attempts wait 32h', 6, DEFAULT_ISSUANCE_BACKOFF, 32 * H],
  ['7 attempts are capped at 32h', 7, DEFAULT_ISSUANCE_BACKOFF, 32 * H],
  ['1000 attempts are capped at 32h (no overflow)', 1000, DEFAULT_ISSUANCE_BACKOFF, 32 * H],
  ['seconds bounds: 1 attempt waits 1s', 1, seconds, 1000],
  ['seconds bounds: 3 attempts wait 4s', 3, seconds, 4000],
  ['seconds bounds: 4 attempts wait 8s', 4, seconds, 8000],
  ['seconds bounds: 5 attempts are capped at 10s', 5, seconds, 10_000],
];

for (const [name, attempts, bounds, expected] of cases) {
  test(`issuanceBackoff: ${name}`, () => {
    assert.equal(issuanceBackoff(attempts, bounds), expected);
  });
}

test('issuanceBackoff: default bounds are 1h and 32h', () => {
  assert.deepEqual(DEFAULT_ISSUANCE_BACKOFF, { minMs: H, maxMs: 32 * H });
});
