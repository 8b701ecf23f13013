import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameFiles, secretFiles, type FileSet } from './secret-files.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b = (s: string) => Buffer.from(s);

test('secretFiles decodes every data key', () => {
  assert.deepEqual(secretFiles({ data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } }), { 'tls.crt': b('c'), 'tls.key': b('k') });
});

const refused: Array<[string, Record<string, string> | undefined, RegExp]> = [
  ['no data', undefined, /no data/],
  ['a key with a slash', { '../x': b64('c') }, /data key "..\/x" cannot be a file name/],
  ['a key that is the version link', { '..data': b64('c') }, /cannot be a file name/],
  ['not base64', { 'tls.crt': 'not base64!' }, /data.tls.crt is not base64/],
];
for (const [what, data, message] of refused) test(`secretFiles refuses ${what}`, () => assert.match(secretFiles({ data }) as string, message));

const same: Array<[string, FileSet | undefined, FileSet, boolean]> = [
  ['nothing local yet', undefined, { a: b('1') }, false],
  ['same bytes', { a: b('1'), c: b('2') }, { c: b('2'), a: b('1') }, true],
  ['one byte differs', { a: b('1') }, { a: b('2') }, false],
  ['a key added', { a: b('1') }, { a: b('1'), c: b('2') }, false],
  ['a key gone', { a: b('1'), c: b('2') }, { a: b('1') }, false],
];
for (const [what, local, remote, expected] of same) test(`sameFiles: ${what}`, () => assert.equal(sameFiles(local, remote), expected));
