import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { accountKeyThumbprint, jwkThumbprint } from './account-key-thumbprint.ts';

test('jwkThumbprint: the RSA example of RFC 7638 section 3.1', () => {
  const jwk = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('accountKeyThumbprint: the same key gives the same thumbprint, another key another one', () => {
  const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  const a = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const b = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  assert.equal(accountKeyThumbprint(a), accountKeyThumbprint(Buffer.from(a)));
  assert.notEqual(accountKeyThumbprint(a), accountKeyThumbprint(b));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  assert.match(accountKeyThumbprint(rsa), /^[A-Za-z0-9_-]{43}$/);
});

test('jwkThumbprint: an unknown key type is refused', () => {
  assert.throws(() => jwkThumbprint({ kty: 'oct', k: 'abc' }), /unsupported account key type oct/);
});
