import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renewalTime, type RenewalInput } from './renewal.ts';

const nb = new Date('2026-01-01T00:00:00Z');
const plus = (ms: number) => new Date(nb.getTime() + ms);
const H = 3_600_000;
const D = 24 * H;

const cases: Array<[string, RenewalInput, string]> = [
  ['default renews at 2/3 of a 90-day lifetime (30 days before expiry)', { notBefore: nb, notAfter: plus(90 * D) }, '2026-03-02T00:00:00.000Z'],
  ['default renews at 2/3 of a 3h lifetime', { notBefore: nb, notAfter: plus(3 * H) }, '2026-01-01T02:00:00.000Z'],
  ['renewBefore 360h renews 15 days before expiry', { notBefore: nb, notAfter: plus(90 * D), renewBefore: '360h' }, '2026-03-17T00:00:00.000Z'],
  ['renewBefore 1h30m is honoured', { notBefore: nb, notAfter: plus(10 * H), renewBefore: '1h30m' }, '2026-01-01T08:30:00.000Z'],
  ['renewBeforePercentage 25 renews when 25% remains', { notBefore: nb, notAfter: plus(100 * H), renewBeforePercentage: 25 }, '2026-01-04T03:00:00.000Z'],
  ['renewBeforePercentage 50 renews half-way', { notBefore: nb, notAfter: plus(10 * H), renewBeforePercentage: 50 }, '2026-01-01T05:00:00.000Z'],
  ['renewBefore equal to the lifetime falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBefore: '3h' }, '2026-01-01T02:00:00.000Z'],
  ['renewBefore longer than the lifetime falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBefore: '2160h' }, '2026-01-01T02:00:00.000Z'],
  ['renewBeforePercentage 100 falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBeforePercentage: 100 }, '2026-01-01T02:00:00.000Z'],
  ['renewBeforePercentage 0 falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBeforePercentage: 0 }, '2026-01-01T02:00:00.000Z'],
  ['renewBefore 0s falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBefore: '0s' }, '2026-01-01T02:00:00.000Z'],
  ['unparseable renewBefore falls back to 1/3', { notBefore: nb, notAfter: plus(3 * H), renewBefore: '30d' }, '2026-01-01T02:00:00.000Z'],
  ['result is truncated to the second (10s lifetime -> 6.666s)', { notBefore: nb, notAfter: plus(10_000) }, '2026-01-01T00:00:06.000Z'],
  ['sub-second notAfter is truncated, not rounded', { notBefore: nb, notAfter: plus(90 * D + 999), renewBefore: '24h' }, '2026-03-31T00:00:00.000Z'],
  ['renewBefore with fractional seconds is truncated', { notBefore: nb, notAfter: plus(10 * H), renewBefore: '1.5s' }, '2026-01-01T09:59:58.000Z'],
];

for (const [name, input, expected] of cases) {
  test(`renewalTime: ${name}`, () => {
    const at = renewalTime(input);
    assert.equal(at.toISOString(), expected);
    assert.equal(at.getTime() % 1000, 0);
  });
}
