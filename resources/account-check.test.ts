import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountCheckDelayMs, msUntilAccountCheck } from './account-check.ts';

const DAY = 24 * 60 * 60_000;

const delays: Array<[string, number, number, number]> = [
  ['random 0 is 10 % early', DAY, 0, 0.9 * DAY],
  ['random 0.5 is the period', DAY, 0.5, DAY],
  ['random just under 1 is nearly 10 % late', DAY, 0.999999, Math.round(DAY * (0.9 + 0.2 * 0.999999))],
  ['out-of-range random is clamped', DAY, 7, Math.round(1.1 * DAY)],
  ['negative random is clamped', DAY, -1, 0.9 * DAY],
  ['a tiny period is at least 1 s', 10, 0.5, 1000],
  ['seconds: 3 s at 0.25', 3000, 0.25, 2850],
];
for (const [name, period, random, want] of delays) {
  test(`accountCheckDelayMs: ${name}`, () => assert.equal(accountCheckDelayMs(period, random), want));
}

test('accountCheckDelayMs: stays within ±10 % of the period', () => {
  for (let i = 0; i <= 100; i++) {
    const d = accountCheckDelayMs(DAY, i / 100);
    assert.ok(d >= 0.9 * DAY && d <= 1.1 * DAY, `${d}`);
  }
});

const untils: Array<[string, number | undefined, number, number | undefined]> = [
  ['no account yet: no check', undefined, 1000, undefined],
  ['due later', 5000, 1000, 4000],
  ['due now', 1000, 1000, 0],
  ['overdue (e.g. after a worker outage) is due at once', 1000, 9000, 0],
];
for (const [name, at, now, want] of untils) {
  test(`msUntilAccountCheck: ${name}`, () => assert.equal(msUntilAccountCheck(at, now), want));
}
