import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { FileSecretStore } from '../platform/secret-store.ts';
import { needsIssuance } from '../resources/issuance-policy.ts';
import type { CertificatePrivateKey, CertificateSpec } from '../resources/types.ts';
import type { CertificateRef } from '../resources/certificate-ref.ts';
import { certificateSecretActivities } from './certificate-secret.ts';
import { KeyPool } from './key-pool.ts';
import { encodePrivateKey, generatePrivateKey } from './private-key.ts';
import { EC256, certificateSpecFixture } from '../resources/spec-fixture.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

let root: string;
let secrets: FileSecretStore;
let nextKeys: FileSecretStore;
let acts: ReturnType<typeof certificateSecretActivities>;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'certificate-secret-test-'));
  secrets = new FileSecretStore(path.join(root, 'secrets'));
  nextKeys = new FileSecretStore(path.join(root, 'next-keys'));
  acts = certificateSecretActivities(secrets, nextKeys);
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const spec = (privateKey: CertificatePrivateKey = EC256, extra: Partial<CertificateSpec> = {}): CertificateSpec => certificateSpecFixture({ privateKey, ...extra });

let n = 0;
const ref = (): CertificateRef => {
  const i = n++;
  return { namespace: 'ns', certificateName: `web${i}`, secretName: `web${i}-tls` };
};

const spkiOf = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' });
const csrSpki = (pem: string) => Buffer.from(new x509.Pkcs10CertificateRequest(pem).publicKey.rawData);

const signingAlg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
async function cryptoKeys(key: KeyObject): Promise<CryptoKeyPair> {
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), signingAlg, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spkiOf(key), signingAlg, true, ['verify']),
  } as CryptoKeyPair;
}

/** A self-signed ECDSA P-256 certificate for `key`. */
async function selfSigned(key: KeyObject, opts: { cn?: string; dnsNames?: string[]; ips?: string[]; notBefore?: Date; notAfter?: Date; serial?: string } = {}): Promise<string> {
  const san = [...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })), ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: opts.serial ?? '0a1b',
    name: opts.cn ? `CN=${opts.cn}` : '',
    notBefore: opts.notBefore ?? new Date('2026-01-01T00:00:00Z'),
    notAfter: opts.notAfter ?? new Date('2026-04-01T00:00:00Z'),
    keys: await cryptoKeys(key),
    signingAlgorithm: signingAlg,
    extensions: san.length ? [new x509.SubjectAlternativeNameExtension(san)] : [],
  });
  return cert.toString('pem');
}

/** A certificate for `publicKey` (e.g. from a CSR) signed by a throwaway CA. */
async function issueFor(csrPem: string, serial: string): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const ca = await generatePrivateKey(EC256);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: csr.subject,
    issuer: 'CN=Test CA',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2026-04-01T00:00:00Z'),
    publicKey: await csr.publicKey.export(signingAlg, ['verify']),
    signingKey: (await cryptoKeys(ca)).privateKey,
    signingAlgorithm: signingAlg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'web.example.com' }])],
  });
  return cert.toString('pem');
}

const tlsMeta = { type: 'kubernetes.io/tls', annotations: { 'cert-manager.io/issuer-name': 'le', 'cert-manager.io/issuer-kind': 'Issuer' } };

test('inspectCertificateSecret: a missing Secret reports exists=false and nothing else', async () => {
  assert.deepEqual(await acts.inspectCertificateSecret(ref()), {
    exists: false,
    hasCert: false,
    hasKey: false,
    keyMatchesCert: false,
    dnsNames: [],
    ipAddresses: [],
  });
});

type Setup = (r: CertificateRef) => Promise<void>;
const inspectCases: Array<[string, Setup, Record<string, unknown>]> = [
  [
    'self-signed cert with its own key',
    async (r) => {
      const key = await generatePrivateKey(EC256);
      await secrets.write(
        r.namespace,
        r.secretName,
        {
          'tls.crt': Buffer.from(await selfSigned(key, { cn: 'web.example.com', dnsNames: ['web.example.com', 'www.example.com'], ips: ['10.0.0.1'] })),
          'tls.key': encodePrivateKey(key, 'PKCS1'),
        },
        tlsMeta,
      );
    },
    {
      exists: true,
      hasCert: true,
      hasKey: true,
      keyMatchesCert: true,
      commonName: 'web.example.com',
      dnsNames: ['web.example.com', 'www.example.com'],
      ipAddresses: ['10.0.0.1'],
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-04-01T00:00:00.000Z',
      serialNumber: '0a1b',
      keyAlgorithm: 'ECDSA',
      keySize: 256,
      issuerName: 'le',
      issuerKind: 'Issuer',
    },
  ],
  [
    'cert with a different key',
    async (r) => {
      const key = await generatePrivateKey(EC256);
      const other = await generatePrivateKey(EC256);
      await secrets.write(r.namespace, r.secretName, {
        'tls.crt': Buffer.from(await selfSigned(key, { dnsNames: ['a.example.com'] })),
        'tls.key': encodePrivateKey(other, 'PKCS8'),
      });
    },
    { exists: true, hasCert: true, hasKey: true, keyMatchesCert: false, dnsNames: ['a.example.com'], keyAlgorithm: 'ECDSA', keySize: 256 },
  ],
  [
    'cert with an Ed25519 key that is not its own',
    async (r) => {
      const key = await generatePrivateKey(EC256);
      const ed = await generatePrivateKey({ ...EC256, algorithm: 'Ed25519', size: 0 });
      await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from(await selfSigned(key)), 'tls.key': encodePrivateKey(ed, 'PKCS8') });
    },
    { keyMatchesCert: false, keyAlgorithm: 'Ed25519', keySize: undefined },
  ],
  [
    'key only',
    async (r) => {
      await secrets.write(r.namespace, r.secretName, { 'tls.key': encodePrivateKey(await generatePrivateKey(EC256), 'PKCS1') });
    },
    { exists: true, hasCert: false, hasKey: true, keyMatchesCert: false },
  ],
  [
    'empty tls.crt',
    async (r) => {
      await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.alloc(0), 'tls.key': encodePrivateKey(await generatePrivateKey(EC256), 'PKCS1') });
    },
    { exists: true, hasCert: false, hasKey: true, keyMatchesCert: false, dnsNames: [] },
  ],
  [
    'garbage certificate',
    async (r) => {
      await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from('not a cert'), 'tls.key': encodePrivateKey(await generatePrivateKey(EC256), 'PKCS1') });
    },
    { exists: true, hasCert: true, keyMatchesCert: false },
  ],
  [
    'garbage key',
    async (r) => {
      await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from(await selfSigned(await generatePrivateKey(EC256))), 'tls.key': Buffer.from('junk') });
    },
    { hasCert: true, hasKey: true, keyMatchesCert: false, keyAlgorithm: undefined, notAfter: '2026-04-01T00:00:00.000Z' },
  ],
];
for (const [name, setup, expected] of inspectCases) {
  test(`inspectCertificateSecret: ${name}`, async () => {
    const r = ref();
    await setup(r);
    const summary = await acts.inspectCertificateSecret(r);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(summary[k as keyof typeof summary], v, k);
    if (name === 'garbage certificate') assert.ok(summary.certParseError, 'certParseError is set');
    else if (name !== 'empty tls.crt') assert.equal(summary.certParseError, undefined);
  });
}

test('inspectCertificateSecret + needsIssuance: a fresh matching Secret needs no issuance', async () => {
  const r = ref();
  const key = await generatePrivateKey(EC256);
  await secrets.write(
    r.namespace,
    r.secretName,
    {
      'tls.crt': Buffer.from(await selfSigned(key, { cn: 'web.example.com', dnsNames: ['www.example.com', 'web.example.com'], ips: ['10.0.0.1'] })),
      'tls.key': encodePrivateKey(key, 'PKCS1'),
    },
    tlsMeta,
  );
  const secret = await acts.inspectCertificateSecret(r);
  assert.equal(needsIssuance({ spec: spec(), secret, now: new Date('2026-02-01T00:00:00Z'), forced: false }), undefined);
});

test('inspectCertificateSecret + needsIssuance: an IPv6 SAN issued as requested needs no issuance', async () => {
  const r = ref();
  const key = await generatePrivateKey(EC256);
  await secrets.write(
    r.namespace,
    r.secretName,
    {
      'tls.crt': Buffer.from(await selfSigned(key, { cn: 'web.example.com', dnsNames: ['web.example.com', 'www.example.com'], ips: ['2001:db8::1'] })),
      'tls.key': encodePrivateKey(key, 'PKCS1'),
    },
    tlsMeta,
  );
  const secret = await acts.inspectCertificateSecret(r);
  const reason = needsIssuance({ spec: spec(EC256, { ipAddresses: ['2001:db8::1'] }), secret, now: new Date('2026-02-01T00:00:00Z'), forced: false });
  assert.equal(reason, undefined, `${reason?.reason}: ${reason?.message}; reported ipAddresses ${JSON.stringify(secret.ipAddresses)}`);
});

const keySpecs: Array<[string, CertificatePrivateKey]> = [
  ['ECDSA 256', EC256],
  ['Ed25519', { algorithm: 'Ed25519', size: 0, encoding: 'PKCS8', rotationPolicy: 'Always' }],
];
for (const [name, pk] of keySpecs) {
  test(`generateKeyAndCsr (${name}): same revision reuses the key, a new revision makes a new one`, async () => {
    const r = ref();
    const first = await acts.generateKeyAndCsr(r, spec(pk), 1);
    const retried = await acts.generateKeyAndCsr(r, spec(pk), 1);
    const next = await acts.generateKeyAndCsr(r, spec(pk), 2);
    assert.ok(csrSpki(first).equals(csrSpki(retried)), 'retry of revision 1 has the same public key');
    assert.ok(!csrSpki(first).equals(csrSpki(next)), 'revision 2 has a new public key');
    assert.equal(await new x509.Pkcs10CertificateRequest(next).verify(), true);
    // the pending key is kept outside the Secret, which is untouched
    assert.equal(await secrets.read(r.namespace, r.secretName), undefined);
    const pending = await nextKeys.read(r.namespace, r.certificateName);
    assert.equal(pending?.data['revision']?.toString(), '2');
    assert.ok(spkiOf(createPrivateKey(pending!.data['tls.key']!)).equals(csrSpki(next)));
  });
}

const rotation: Array<[string, CertificatePrivateKey, CertificatePrivateKey, boolean]> = [
  // [stored key, spec key, reused?]
  ['Never with a matching key reuses the Secret key', EC256, { ...EC256, rotationPolicy: 'Never' }, true],
  ['Never reuses it even when only the encoding differs', EC256, { ...EC256, encoding: 'PKCS8', rotationPolicy: 'Never' }, true],
  ['Never with a different size makes a new key', EC256, { ...EC256, size: 384, rotationPolicy: 'Never' }, false],
  ['Never with a different algorithm makes a new key', EC256, { algorithm: 'Ed25519', size: 0, encoding: 'PKCS8', rotationPolicy: 'Never' }, false],
  ['Always makes a new key', EC256, EC256, false],
];
for (const [name, stored, want, reused] of rotation) {
  test(`generateKeyAndCsr rotationPolicy: ${name}`, async () => {
    const r = ref();
    const key = await generatePrivateKey(stored);
    await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from(await selfSigned(key)), 'tls.key': encodePrivateKey(key, stored.encoding) });
    const csr = await acts.generateKeyAndCsr(r, spec(want), 2);
    assert.equal(csrSpki(csr).equals(spkiOf(key)), reused);
  });
}

test('generateKeyAndCsr rotationPolicy Never without a Secret makes a key', async () => {
  const r = ref();
  const csr = await acts.generateKeyAndCsr(r, spec({ ...EC256, rotationPolicy: 'Never' }), 1);
  assert.equal(await new x509.Pkcs10CertificateRequest(csr).verify(), true);
});

test('readyKeyAndCsr takes a key made ahead, never waits for one, and a retry reuses what it took', async () => {
  const pooled = certificateSecretActivities(secrets, nextKeys, new KeyPool(1));
  const r = ref();
  assert.equal(await pooled.readyKeyAndCsr(r, spec(), 1), undefined, 'nothing made yet: no CSR, no wait');
  assert.equal(await nextKeys.read(r.namespace, r.certificateName), undefined, 'and no key kept');
  let csr: string | undefined;
  for (let i = 0; i < 200 && !csr; i++) {
    await new Promise((done) => setTimeout(done, 10));
    csr = await pooled.readyKeyAndCsr(r, spec(), 1);
  }
  assert.ok(csr, 'the pool made one in the background');
  const kept = await nextKeys.read(r.namespace, r.certificateName);
  assert.ok(spkiOf(createPrivateKey(kept!.data['tls.key']!)).equals(csrSpki(csr)), 'the key of the CSR is kept for storeCertificate');
  assert.ok(csrSpki((await pooled.readyKeyAndCsr(r, spec(), 1))!).equals(csrSpki(csr)), 'a retry of the same revision reuses it');
  assert.ok(csrSpki(await pooled.generateKeyAndCsr(r, spec(), 1)).equals(csrSpki(csr)), 'so does the regular activity');

  const never = ref();
  const current = await generatePrivateKey(EC256);
  await secrets.write(never.namespace, never.secretName, { 'tls.crt': Buffer.from(await selfSigned(current)), 'tls.key': encodePrivateKey(current, 'PKCS1') });
  const unpooled = certificateSecretActivities(secrets, nextKeys);
  assert.ok(
    csrSpki((await unpooled.readyKeyAndCsr(never, spec({ ...EC256, rotationPolicy: 'Never' }), 2))!).equals(spkiOf(current)),
    'rotationPolicy Never: the current key, no pool needed',
  );
});

test('storeCertificate writes the pending key with the chain, annotations, and is idempotent under retry', async () => {
  const r = ref();
  const s = spec();
  const csr = await acts.generateKeyAndCsr(r, s, 1);
  const chainPem = await issueFor(csr, '0c0ffee0');
  const out = await acts.storeCertificate(r, { chainPem, caPem: 'CA', issuerRef: s.issuerRef, spec: s });
  assert.deepEqual(out, { notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-04-01T00:00:00.000Z', serialNumber: '0c0ffee0' });
  assert.equal(await nextKeys.read(r.namespace, r.certificateName), undefined, 'pending key is removed');
  const secret = await secrets.read(r.namespace, r.secretName);
  assert.deepEqual(Object.keys(secret!.data).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  assert.equal(secret!.meta.type, 'kubernetes.io/tls');
  assert.equal(secret!.meta.annotations?.['cert-manager.io/issuer-name'], 'le');
  assert.equal(secret!.meta.annotations?.['cert-manager.io/alt-names'], 'web.example.com,www.example.com');
  const summary = await acts.inspectCertificateSecret(r);
  assert.equal(summary.keyMatchesCert, true);
  // retry after the write landed: same answer, no KeyLost
  assert.deepEqual(await acts.storeCertificate(r, { chainPem, issuerRef: s.issuerRef, spec: s }), out);
});

test('storeCertificate refuses a certificate for another key', async () => {
  const r = ref();
  const s = spec();
  await acts.generateKeyAndCsr(r, s, 1);
  const otherCsr = await acts.generateKeyAndCsr(ref(), s, 1);
  await assert.rejects(
    acts.storeCertificate(r, { chainPem: await issueFor(otherCsr, '01'), issuerRef: s.issuerRef, spec: s }),
    (e: Error & { type?: string }) => e.type === 'KeyMismatch',
  );
  assert.equal(await secrets.read(r.namespace, r.secretName), undefined, 'Secret is not written');
});

test('storeCertificate without a pending key and no matching Secret fails KeyLost', async () => {
  const r = ref();
  const s = spec();
  const csr = await acts.generateKeyAndCsr(ref(), s, 1);
  await assert.rejects(
    acts.storeCertificate(r, { chainPem: await issueFor(csr, '02'), issuerRef: s.issuerRef, spec: s }),
    (e: Error & { type?: string; nonRetryable?: boolean }) => e.type === 'KeyLost' && e.nonRetryable === true,
  );
});

test('a Secret another owner holds: inspect reports it, storeCertificate refuses it (SecretOwnedByOther) and keeps the pending key', async () => {
  const r = ref();
  const s = spec();
  await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from('theirs') }, undefined, { owner: 'Issuer/le' });
  assert.equal((await acts.inspectCertificateSecret(r)).ownedBy, 'Issuer/le');
  const csr = await acts.generateKeyAndCsr(r, s, 1);
  await assert.rejects(
    acts.storeCertificate(r, { chainPem: await issueFor(csr, '03'), issuerRef: s.issuerRef, spec: s }),
    (e: Error & { type?: string }) => e.type === 'SecretOwnedByOther' && /Issuer\/le/.test(e.message) && e.message.includes(`Certificate/${r.certificateName}`),
  );
  assert.equal((await secrets.readKey(r.namespace, r.secretName, 'tls.crt'))?.toString(), 'theirs', 'not overwritten');
  assert.ok((await nextKeys.read(r.namespace, r.certificateName))?.data['tls.key'], 'the pending key stays for a later retry');
  await acts.removeCertificateData(r, true);
  assert.equal((await secrets.readKey(r.namespace, r.secretName, 'tls.crt'))?.toString(), 'theirs', "deleteSecret never removes another owner's Secret");
  assert.equal(await secrets.owner(r.namespace, r.secretName), 'Issuer/le');
});

test('inspect claims a free Secret for its Certificate; delete releases it, or removes it with deleteSecret', async () => {
  const r = ref();
  assert.equal((await acts.inspectCertificateSecret(r)).ownedBy, undefined);
  assert.equal(await secrets.owner(r.namespace, r.secretName), `Certificate/${r.certificateName}`);
  await secrets.write(r.namespace, r.secretName, { 'tls.crt': Buffer.from('c') }, undefined, { owner: `Certificate/${r.certificateName}` });
  await acts.removeCertificateData(r, false);
  assert.equal(await secrets.owner(r.namespace, r.secretName), undefined, 'released');
  assert.ok(await secrets.read(r.namespace, r.secretName), 'the Secret is kept');
  const r2 = ref();
  await acts.inspectCertificateSecret(r2);
  await acts.removeCertificateData(r2, true);
  assert.equal(await secrets.owner(r2.namespace, r2.secretName), undefined);
});
