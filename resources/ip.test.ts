import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp } from './ip.ts';

const cases: [string, string][] = [
  ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ['2001:db8::1', '2001:db8::1'],
  ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
  ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
  ['::1', '::1'],
  ['::', '::'],
  ['FE80::A', 'fe80::a'],
  ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
  ['10.0.0.1', '10.0.0.1'],
];
for (const [input, want] of cases) {
  test(`canonicalIp(${input}) = ${want}`, () => assert.equal(canonicalIp(input), want));
}
