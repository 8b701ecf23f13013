import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiToBase64 } from './base64.ts';

const pem = `-----BEGIN CERTIFICATE-----
MIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu
dXNlZDAeFw0yNjAxMDEwMDAwMDBaFw0yNjA0MDEwMDAwMDBa
-----END CERTIFICATE-----
`;

const cases: Array<[string, string]> = [
  ...['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg'].map((s): [string, string] => [`length ${s.length}`, s]),
  ['NUL bytes in every position of a group', '\0a\0\0\0'],
  ['high ASCII and ~ (bits that map to + and /)', '~~~\x7f?>'],
  ['a PEM block', pem],
];

for (const [name, input] of cases) {
  test(`asciiToBase64 matches Buffer base64: ${name}`, () => {
    assert.equal(asciiToBase64(input), Buffer.from(input).toString('base64'));
  });
}
