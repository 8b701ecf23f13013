import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './duration.ts';

const HOUR = 3_600_000;

const parseCases: Array<[string, number | undefined]> = [
  ['2160h', 2160 * HOUR],
  ['1h30m', 1.5 * HOUR],
  ['90m', 1.5 * HOUR],
  ['1.5h', 1.5 * HOUR],
  ['300ms', 300],
  ['10s', 10_000],
  ['1.1s', 1100],
  ['0', 0],
  ['0s', 0],
  ['+5m', 300_000],
  ['-5m', -300_000],
  ['1h2m3s4ms', HOUR + 2 * 60_000 + 3_000 + 4],
  ['500us', 0.5],
  ['500µs', 0.5],
  ['1000000ns', 1],
  ['.5s', 500],
  ['90d', undefined],
  ['1 h', undefined],
  ['', undefined],
  ['h', undefined],
  ['10', undefined],
  ['.s', undefined],
  ['-', undefined],
  ['3000000h', undefined], // overflows Go's int64 nanoseconds
];

for (const [input, expected] of parseCases) {
  test(`parseGoDuration(${JSON.stringify(input)}) = ${expected}`, () => {
    assert.equal(parseGoDuration(input), expected);
  });
}

const formatCases: Array<[number, string]> = [
  [2160 * HOUR, '2160h0m0s'],
  [1.5 * HOUR, '1h30m0s'],
  [90_000, '1m30s'],
  [10_000, '10s'],
  [1_500, '1.5s'],
  [300, '300ms'],
  [0.5, '500µs'],
  [0, '0s'],
  [-90_000, '-1m30s'],
];

for (const [ms, expected] of formatCases) {
  test(`formatGoDuration(${ms}) = ${expected}`, () => {
    assert.equal(formatGoDuration(ms), expected);
  });
}

test('formatGoDuration output parses back to the same value', () => {
  for (const [ms] of formatCases) assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
});
