import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyIdOf, SecretCipher, valuePlace } from './secret-cipher.ts';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);
const place = valuePlace('secrets', 'ns', 'web-tls', 'tls.key');

test('SecretCipher: a value round-trips; each seal uses a fresh nonce; the ciphertext does not contain the value', () => {
  const c = new SecretCipher(k1);
  const value = Buffer.from('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
  const a = c.seal(value, place);
  const b = c.seal(value, place);
  assert.equal(a.keyId, keyIdOf(k1));
  assert.equal(a.nonce.length, 12);
  assert.notDeepEqual(a.nonce, b.nonce);
  assert.notDeepEqual(a.ciphertext, b.ciphertext);
  assert.equal(a.ciphertext.length, value.length + 16);
  assert.ok(!a.ciphertext.includes(Buffer.from('PRIVATE KEY')));
  assert.deepEqual(c.open(a, place), value);
});

const sealed = new SecretCipher(k1).seal(Buffer.from('secret'), place);
const flip = (b: Buffer, i: number) => Buffer.from(b.map((x, j) => (j === i ? x ^ 1 : x)));
for (const [name, cipher, input, aad, error] of [
  ['a flipped ciphertext byte', new SecretCipher(k1), { ...sealed, ciphertext: flip(sealed.ciphertext, 0) }, place, /authentication failed/],
  ['a flipped tag byte', new SecretCipher(k1), { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) }, place, /authentication failed/],
  ['a flipped nonce byte', new SecretCipher(k1), { ...sealed, nonce: flip(sealed.nonce, 3) }, place, /authentication failed/],
  ['another key of the same Secret', new SecretCipher(k1), sealed, valuePlace('secrets', 'ns', 'web-tls', 'tls.crt'), /authentication failed/],
  ['another Secret', new SecretCipher(k1), sealed, valuePlace('secrets', 'ns', 'other-tls', 'tls.key'), /authentication failed/],
  ['another store', new SecretCipher(k1), sealed, valuePlace('next-keys', 'ns', 'web-tls', 'tls.key'), /authentication failed/],
  ['a key id claiming the other key', new SecretCipher(k1, [k2]), { ...sealed, keyId: keyIdOf(k2) }, place, /authentication failed/],
  ['a key that is not configured', new SecretCipher(k2), sealed, place, new RegExp(`key ${keyIdOf(k1)}, which is not configured`)],
  ['a truncated value', new SecretCipher(k1), { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 5) }, place, /too short/],
] as const) {
  test(`SecretCipher refuses ${name}`, () => {
    assert.throws(() => cipher.open(input, aad), error);
  });
}

test('SecretCipher: after a rotation old values open with the old key listed, new ones use the new key', () => {
  const rotated = new SecretCipher(k2, [k1]);
  assert.equal(rotated.open(sealed, place).toString(), 'secret');
  assert.equal(rotated.seal(Buffer.from('x'), place).keyId, keyIdOf(k2));
  assert.notEqual(keyIdOf(k1), keyIdOf(k2));
  assert.throws(() => new SecretCipher(Buffer.alloc(16)), /32 bytes, got 16/);
});
