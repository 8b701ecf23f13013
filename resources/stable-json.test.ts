import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stableJson } from './stable-json.ts';

const equal: Array<[string, unknown, unknown]> = [
  ['key order does not matter', { a: 1, b: 2 }, { b: 2, a: 1 }],
  ['nested key order does not matter', { x: { a: 1, b: [{ c: 1, d: 2 }] } }, { x: { b: [{ d: 2, c: 1 }], a: 1 } }],
  ['undefined fields are dropped', { a: 1, b: undefined }, { a: 1 }],
  ['nested undefined fields are dropped', { s: { renewBefore: undefined, duration: '1h' } }, { s: { duration: '1h' } }],
];
for (const [name, a, b] of equal) {
  test(`stableJson equal: ${name}`, () => {
    assert.equal(stableJson(a), stableJson(b));
  });
}

const different: Array<[string, unknown, unknown]> = [
  ['arrays keep order', { dnsNames: ['a', 'b'] }, { dnsNames: ['b', 'a'] }],
  ['a changed value differs', { a: 1 }, { a: 2 }],
  ['null is not dropped like undefined', { a: null }, {}],
  ['an extra key differs', { a: 1 }, { a: 1, b: 0 }],
];
for (const [name, a, b] of different) {
  test(`stableJson differs: ${name}`, () => {
    assert.notEqual(stableJson(a), stableJson(b));
  });
}

const exact: Array<[string, unknown, string]> = [
  ['keys are sorted', { b: 1, a: { d: 1, c: 2 } }, '{"a":{"c":2,"d":1},"b":1}'],
  ['arrays keep order', ['b', 'a', { z: 1, y: 2 }], '["b","a",{"y":2,"z":1}]'],
  ['scalars pass through', 'x', '"x"'],
];
for (const [name, value, expected] of exact) {
  test(`stableJson output: ${name}`, () => {
    assert.equal(stableJson(value), expected);
  });
}
