import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emailError, httpUrlError, uriError } from './formats.ts';

const emails: [string, boolean][] = [
  ['ops@example.com', true],
  ['a.b+tag@sub.example.co', true],
  ['x@a.b', true],
  ['a@.b.c', true],
  ['nobody', false],
  ['ops at example.com', false],
  ['@example.com', false],
  ['ops@', false],
  ['ops@example', false],
  ['ops@example.', false],
  ['ops@.com', false],
  ['a@b@c.d', false],
  ['ops @example.com', false],
  ['ops@exa mple.com', false],
  [`${'a'.repeat(64)}@example.com`, true],
  [`${'a'.repeat(65)}@example.com`, false],
  [`a@${'b'.repeat(250)}.com`, false],
];
for (const [email, ok] of emails) test(`emailError(${JSON.stringify(email.slice(0, 40))}) ${ok ? 'accepts' : 'refuses'}`, () => assert.equal(emailError(email) === undefined, ok));

test('a 60,000-character e-mail is refused in linear time', () => {
  const hostile = `a@${'a.'.repeat(30_000)}@`;
  const t = performance.now();
  for (let i = 0; i < 100; i++) assert.notEqual(emailError(hostile), undefined);
  assert.notEqual(emailError(`${`a@${'a.'.repeat(30_000)}`.slice(0, 254)} `), undefined);
  assert.ok(performance.now() - t < 100, `${performance.now() - t} ms for 100 checks`);
});

test('URLs are bounded', () => {
  assert.equal(httpUrlError('https://acme.example/dir'), undefined);
  assert.match(httpUrlError(`https://acme.example/${'a'.repeat(3000)}`) ?? '', /2048/);
  assert.match(uriError(`spiffe://x/${'a'.repeat(3000)}`) ?? '', /2048/);
});
