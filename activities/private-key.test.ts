import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificatePrivateKey, CertificateSpec } from '../resources/types.ts';
import { createCsr, describeKey, encodePrivateKey, generatePrivateKey, parsePrivateKey } from './private-key.ts';
import { certificateSpecFixture } from '../resources/spec-fixture.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// Pkcs10CertificateRequest.getExtension only takes an OID string; find by class instead.
function ext<T extends x509.Extension>(csr: x509.Pkcs10CertificateRequest, type: abstract new (...args: never[]) => T): T | undefined {
  return csr.extensions.find((e): e is T => e instanceof type);
}

const spec = (privateKey: CertificatePrivateKey, extra: Partial<CertificateSpec> = {}): CertificateSpec =>
  certificateSpecFixture({ usages: ['digital signature', 'key encipherment', 'server auth'], privateKey, ...extra });

const keyCases: Array<[CertificatePrivateKey, { algorithm: string; size?: number }, string, string]> = [
  // [spec, describeKey, PKCS1 PEM header, signature algorithm name in the CSR]
  [{ algorithm: 'RSA', size: 2048, encoding: 'PKCS1', rotationPolicy: 'Always' }, { algorithm: 'RSA', size: 2048 }, 'RSA PRIVATE KEY', 'RSASSA-PKCS1-v1_5'],
  [{ algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Always' }, { algorithm: 'ECDSA', size: 256 }, 'EC PRIVATE KEY', 'ECDSA'],
  [{ algorithm: 'ECDSA', size: 384, encoding: 'PKCS1', rotationPolicy: 'Always' }, { algorithm: 'ECDSA', size: 384 }, 'EC PRIVATE KEY', 'ECDSA'],
  [{ algorithm: 'Ed25519', size: 0, encoding: 'PKCS1', rotationPolicy: 'Always' }, { algorithm: 'Ed25519' }, 'PRIVATE KEY', 'Ed25519'],
];

for (const [keySpec, described, pkcs1Header, sigAlg] of keyCases) {
  const label = `${keySpec.algorithm} ${keySpec.size || ''}`.trim();
  test(`${label}: key, PEM encodings and a verifiable CSR with the requested SANs`, async () => {
    const key = await generatePrivateKey(keySpec);
    assert.deepEqual(describeKey(key), described);

    const pkcs1 = encodePrivateKey(key, 'PKCS1').toString();
    const pkcs8 = encodePrivateKey(key, 'PKCS8').toString();
    assert.match(pkcs1, new RegExp(`^-----BEGIN ${pkcs1Header}-----\n`));
    assert.match(pkcs8, /^-----BEGIN PRIVATE KEY-----\n/);
    for (const pem of [pkcs1, pkcs8]) {
      const back = parsePrivateKey(pem);
      assert.deepEqual(describeKey(back), described, 'encoded key parses back to the same kind');
      assert.ok(
        createPublicKey(back)
          .export({ type: 'spki', format: 'der' })
          .equals(createPublicKey(key).export({ type: 'spki', format: 'der' })),
        'encoded key is the same key',
      );
    }

    const pem = await createCsr(spec(keySpec), key);
    assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----/);
    const csr = new x509.Pkcs10CertificateRequest(pem);
    assert.equal(await csr.verify(), true, 'CSR signature verifies');
    assert.equal(csr.signatureAlgorithm.name, sigAlg);
    assert.equal(csr.subject, 'CN=web.example.com');
    const san = ext(csr, x509.SubjectAlternativeNameExtension);
    assert.ok(san, 'CSR has a SAN extension');
    assert.deepEqual(
      san.names.items.filter((n) => n.type === 'dns').map((n) => n.value),
      ['web.example.com', 'www.example.com'],
    );
    assert.deepEqual(
      san.names.items.filter((n) => n.type === 'ip').map((n) => n.value),
      ['10.0.0.1'],
    );
    const csrSpki = Buffer.from(csr.publicKey.rawData);
    assert.ok(csrSpki.equals(createPublicKey(key).export({ type: 'spki', format: 'der' })), 'CSR carries the generated public key');
  });
}

const unsupported: Array<[string, CertificatePrivateKey]> = [
  ['ECDSA 512', { algorithm: 'ECDSA', size: 512, encoding: 'PKCS1', rotationPolicy: 'Always' }],
  ['ECDSA 0', { algorithm: 'ECDSA', size: 0, encoding: 'PKCS1', rotationPolicy: 'Always' }],
];
for (const [name, keySpec] of unsupported) {
  test(`generatePrivateKey rejects ${name}`, async () => {
    await assert.rejects(generatePrivateKey(keySpec), /unsupported ECDSA size/);
  });
}

test('ECDSA 521: describeKey reports 521 and the CSR verifies', async () => {
  const keySpec: CertificatePrivateKey = { algorithm: 'ECDSA', size: 521, encoding: 'PKCS8', rotationPolicy: 'Always' };
  const key = await generatePrivateKey(keySpec);
  assert.deepEqual(describeKey(key), { algorithm: 'ECDSA', size: 521 });
  const csr = new x509.Pkcs10CertificateRequest(await createCsr(spec(keySpec), key));
  assert.equal(await csr.verify(), true);
});

const csrCases: Array<[string, Partial<CertificateSpec>, (csr: x509.Pkcs10CertificateRequest) => void]> = [
  [
    'IPv6, URI and email SANs',
    { dnsNames: [], ipAddresses: ['2001:db8::1'], uris: ['spiffe://cluster/ns/web'], emailAddresses: ['ops@example.com'] },
    (csr) => {
      const names = ext(csr, x509.SubjectAlternativeNameExtension)!.names.items;
      assert.deepEqual(
        names.map((n) => n.type),
        ['ip', 'url', 'email'],
      );
      assert.deepEqual(
        names.slice(1).map((n) => n.value),
        ['spiffe://cluster/ns/web', 'ops@example.com'],
      );
      assert.match(names[0]!.value, /^2001:0?db8:/i);
    },
  ],
  [
    'no commonName gives an empty subject',
    { commonName: undefined },
    (csr) => {
      assert.equal(csr.subject, '');
    },
  ],
  [
    'subject fields are included',
    { subject: { organizations: ['Acme'], countries: ['NL'] } },
    (csr) => {
      assert.match(csr.subject, /C=NL/);
      assert.match(csr.subject, /O=Acme/);
      assert.match(csr.subject, /CN=web\.example\.com/);
    },
  ],
  [
    'usages become key usage and extended key usage',
    {},
    (csr) => {
      const ku = ext(csr, x509.KeyUsagesExtension)!;
      assert.equal(ku.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
      assert.deepEqual([...ext(csr, x509.ExtendedKeyUsageExtension)!.usages], ['1.3.6.1.5.5.7.3.1']);
    },
  ],
  [
    'isCA adds basic constraints CA:true',
    { isCA: true },
    (csr) => {
      assert.equal(ext(csr, x509.BasicConstraintsExtension)?.ca, true);
    },
  ],
  [
    'not isCA has no basic constraints',
    {},
    (csr) => {
      assert.equal(ext(csr, x509.BasicConstraintsExtension), undefined);
    },
  ],
];
const ec: CertificatePrivateKey = { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Always' };
const ecKey = generatePrivateKey(ec);
for (const [name, extra, check] of csrCases) {
  test(`createCsr: ${name}`, async () => {
    const csr = new x509.Pkcs10CertificateRequest(await createCsr(spec(ec, extra), await ecKey));
    assert.equal(await csr.verify(), true);
    check(csr);
  });
}
