import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RESYNC_MS, jitteredResyncMs } from './resync.ts';

const H = 60 * 60_000;

const cases: Array<[string, number, number, number | undefined, number]> = [
  ['the lowest draw is 10 % early', 10 * H, 0, undefined, 9 * H],
  ['the middle draw is the period', 10 * H, 0.5, undefined, 10 * H],
  ['the highest draw is almost 10 % late', 10 * H, 0.999999, undefined, Math.round(10 * H * 1.0999998)],
  ['a quarter draw', 10 * H, 0.25, undefined, 9.5 * H],
  ['no jitter asked: the period', 10 * H, 0.9, 0, 10 * H],
  ['a short test period keeps its jitter', 2_000, 0.75, undefined, 2_100],
  ['never below a second', 500, 0, undefined, 1_000],
  ['a draw outside [0, 1) is clamped', 10 * H, 7, undefined, 11 * H],
];

for (const [what, period, random, jitter, want] of cases) {
  test(`jitteredResyncMs: ${what}`, () => {
    assert.equal(jitteredResyncMs(period, random, jitter), want);
  });
}

test('the default is 10 h, and 10,000 Certificates wake well under once a second on average', () => {
  assert.equal(DEFAULT_RESYNC_MS, 10 * H);
  assert.ok(10_000 / (jitteredResyncMs(DEFAULT_RESYNC_MS, 0) / 1000) < 0.31);
});

test('evenly drawn Certificates spread evenly over ±10 % (no bucket of six minutes holds more than twice its share)', () => {
  const buckets = new Array(20).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const ms = jitteredResyncMs(DEFAULT_RESYNC_MS, (i + 0.5) / 10_000);
    buckets[Math.min(19, Math.floor((ms - 9 * H) / (0.1 * H)))]++;
  }
  for (const n of buckets) assert.ok(n > 0 && n <= 1000, `bucket sizes ${buckets.join(',')}`);
});
