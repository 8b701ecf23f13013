// Private keys and CSRs for a Certificate spec. Keys are made with node:crypto (fast, native)
// and the CSR is built and signed with @peculiar/x509 over WebCrypto.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
// @peculiar/x509 2.x resolves its providers through tsyringe, which needs this polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CertificatePrivateKey, CertificateSpec } from '../resources/types.ts';
import { keygenSlots, type SlotPriority } from './keygen-slots.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const generateAsync = promisify(generateKeyPair);

const CURVES: Record<number, { curve: string; hash: string }> = {
  256: { curve: 'P-256', hash: 'SHA-256' },
  384: { curve: 'P-384', hash: 'SHA-384' },
  521: { curve: 'P-521', hash: 'SHA-512' },
};

export async function generatePrivateKey(spec: Pick<CertificatePrivateKey, 'algorithm' | 'size'>, priority: SlotPriority = 'urgent'): Promise<KeyObject> {
  return keygenSlots.run(() => generate(spec), priority);
}

async function generate(spec: Pick<CertificatePrivateKey, 'algorithm' | 'size'>): Promise<KeyObject> {
  if (spec.algorithm === 'RSA') return (await generateAsync('rsa', { modulusLength: spec.size })).privateKey;
  if (spec.algorithm === 'ECDSA') {
    const c = CURVES[spec.size];
    if (!c) throw new Error(`unsupported ECDSA size ${spec.size}`);
    return (await generateAsync('ec', { namedCurve: c.curve })).privateKey;
  }
  return (await generateAsync('ed25519')).privateKey;
}

/** PEM in the encoding cert-manager writes: PKCS1 means "traditional" (RSA PKCS#1, EC SEC1). */
export function encodePrivateKey(key: KeyObject, encoding: CertificatePrivateKey['encoding']): Buffer {
  const type = key.asymmetricKeyType;
  const pem = encoding === 'PKCS8' || type === 'ed25519' ? key.export({ type: 'pkcs8', format: 'pem' }) : key.export({ type: type === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' });
  return Buffer.from(pem);
}

export function describeKey(key: KeyObject): { algorithm: 'RSA' | 'ECDSA' | 'Ed25519'; size?: number } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { algorithm: 'RSA', size: details.modulusLength };
  if (key.asymmetricKeyType === 'ec') {
    const bits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
    return { algorithm: 'ECDSA', size: bits[details.namedCurve ?? ''] };
  }
  return { algorithm: 'Ed25519' };
}

function signingAlgorithm(key: KeyObject): { import: RsaHashedImportParams | EcKeyImportParams | Algorithm; sign: Algorithm | EcdsaParams } {
  const d = describeKey(key);
  if (d.algorithm === 'RSA') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { import: alg, sign: alg };
  }
  if (d.algorithm === 'ECDSA') {
    const c = CURVES[d.size ?? 256] ?? CURVES[256]!;
    return { import: { name: 'ECDSA', namedCurve: c.curve }, sign: { name: 'ECDSA', hash: c.hash } as EcdsaParams };
  }
  return { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
}

const KEY_USAGES: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};
const EXT_USAGES: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  's/mime': '1.3.6.1.5.5.7.3.4',
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

function subjectName(spec: CertificateSpec): x509.JsonName {
  const s = spec.subject ?? {};
  const rdn = (type: string, values: string[] | undefined) => (values ?? []).map((v) => ({ [type]: [v] }));
  return [
    ...rdn('C', s.countries),
    ...rdn('ST', s.provinces),
    ...rdn('L', s.localities),
    ...rdn('2.5.4.9', s.streetAddresses),
    ...rdn('2.5.4.17', s.postalCodes),
    ...rdn('O', s.organizations),
    ...rdn('OU', s.organizationalUnits),
    ...rdn('2.5.4.5', s.serialNumber ? [s.serialNumber] : []),
    ...rdn('CN', spec.commonName ? [spec.commonName] : []),
  ];
}

export async function createCsr(spec: CertificateSpec, key: KeyObject): Promise<string> {
  const alg = signingAlgorithm(key);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, alg.import, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, alg.import, true, ['verify']),
  };
  const san = [
    ...spec.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...spec.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ...spec.uris.map((value) => ({ type: 'url' as const, value })),
    ...spec.emailAddresses.map((value) => ({ type: 'email' as const, value })),
  ];
  const usageFlags = spec.usages.reduce((acc, u) => acc | (KEY_USAGES[u] ?? 0), 0);
  const ekus = spec.usages.map((u) => EXT_USAGES[u]).filter((o): o is string => Boolean(o));
  const extensions: x509.Extension[] = [];
  if (san.length) extensions.push(new x509.SubjectAlternativeNameExtension(san));
  if (usageFlags) extensions.push(new x509.KeyUsagesExtension(usageFlags, true));
  if (ekus.length) extensions.push(new x509.ExtendedKeyUsageExtension(ekus));
  if (spec.isCA) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(spec),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: alg.sign,
    extensions,
  });
  return csr.toString('pem');
}

export function parsePrivateKey(pem: Buffer | string): KeyObject {
  return createPrivateKey(pem);
}
