// A fully defaulted Certificate spec for unit tests, so each table states only what it varies.
import type { CertificatePrivateKey, CertificateSpec } from './types.ts';

export const EC256: CertificatePrivateKey = { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Always' };

export function certificateSpecFixture(extra: Partial<CertificateSpec> = {}): CertificateSpec {
  return {
    secretName: 'web-tls',
    issuerRef: { name: 'le', kind: 'Issuer', group: 'cert-manager.io' },
    commonName: 'web.example.com',
    dnsNames: ['web.example.com', 'www.example.com'],
    ipAddresses: ['10.0.0.1'],
    uris: [],
    emailAddresses: [],
    duration: '2160h',
    usages: ['digital signature', 'key encipherment'],
    isCA: false,
    privateKey: { ...EC256 },
    revisionHistoryLimit: 1,
    ...extra,
  };
}
