import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISSUANCE_POLICIES, needsIssuance, type PolicyInput } from './issuance-policy.ts';
import type { SecretSummary } from './secret-summary.ts';
import type { CertificateSpec } from './types.ts';
import { certificateSpecFixture } from './spec-fixture.ts';

const notBefore = '2026-01-01T00:00:00.000Z';
const notAfter = '2026-04-01T00:00:00.000Z'; // 90 days: default renewal at 2026-03-02T00:00:00Z
const beforeRenewal = new Date('2026-02-01T00:00:00Z');

const spec = (): CertificateSpec => certificateSpecFixture();

const secret = (): SecretSummary => ({
  exists: true,
  hasCert: true,
  hasKey: true,
  keyMatchesCert: true,
  commonName: 'web.example.com',
  dnsNames: ['web.example.com', 'www.example.com'],
  ipAddresses: ['10.0.0.1'],
  notBefore,
  notAfter,
  serialNumber: '01',
  keyAlgorithm: 'ECDSA',
  keySize: 256,
  issuerName: 'le',
  issuerKind: 'Issuer',
});

const base = (): PolicyInput => ({ spec: spec(), secret: secret(), now: beforeRenewal, forced: false });

type Mutate = (i: PolicyInput) => void;
const cases: Array<[string, Mutate, string | undefined]> = [
  ['healthy Secret, not forced', () => {}, undefined],
  [
    'Secret does not exist',
    (i) => {
      i.secret = { exists: false, hasCert: false, hasKey: false, keyMatchesCert: false, dnsNames: [], ipAddresses: [] };
    },
    'DoesNotExist',
  ],
  [
    'Secret has no tls.crt',
    (i) => {
      i.secret.hasCert = false;
    },
    'MissingData',
  ],
  [
    'Secret has no tls.key',
    (i) => {
      i.secret.hasKey = false;
    },
    'MissingData',
  ],
  [
    'certificate does not parse',
    (i) => {
      i.secret.certParseError = 'bad DER';
      i.secret.keyMatchesCert = false;
    },
    'InvalidCertificate',
  ],
  [
    'key does not match certificate',
    (i) => {
      i.secret.keyMatchesCert = false;
    },
    'InvalidKeyPair',
  ],
  [
    'issued by another issuer name',
    (i) => {
      i.secret.issuerName = 'other';
    },
    'IncorrectIssuer',
  ],
  [
    'issued by a ClusterIssuer of the same name',
    (i) => {
      i.secret.issuerKind = 'ClusterIssuer';
    },
    'IncorrectIssuer',
  ],
  [
    'no issuer annotations',
    (i) => {
      delete i.secret.issuerName;
      delete i.secret.issuerKind;
    },
    'IncorrectIssuer',
  ],
  [
    'missing issuer-kind annotation defaults to Issuer',
    (i) => {
      delete i.secret.issuerKind;
    },
    undefined,
  ],
  [
    'spec switched to ClusterIssuer',
    (i) => {
      i.spec.issuerRef.kind = 'ClusterIssuer';
    },
    'IncorrectIssuer',
  ],
  [
    'key algorithm differs from spec',
    (i) => {
      i.spec.privateKey = { ...i.spec.privateKey, algorithm: 'RSA', size: 2048 };
    },
    'SecretMismatch',
  ],
  [
    'key size differs from spec',
    (i) => {
      i.spec.privateKey.size = 384;
    },
    'SecretMismatch',
  ],
  [
    'Ed25519 ignores size',
    (i) => {
      i.spec.privateKey = { ...i.spec.privateKey, algorithm: 'Ed25519', size: 0 };
      i.secret.keyAlgorithm = 'Ed25519';
      delete i.secret.keySize;
    },
    undefined,
  ],
  [
    'key encoding change alone does not re-issue',
    (i) => {
      i.spec.privateKey.encoding = 'PKCS8';
    },
    undefined,
  ],
  [
    'dnsName added',
    (i) => {
      i.spec.dnsNames.push('api.example.com');
    },
    'RequestChanged',
  ],
  [
    'dnsName removed',
    (i) => {
      i.spec.dnsNames.pop();
    },
    'RequestChanged',
  ],
  [
    'dnsNames in another order',
    (i) => {
      i.spec.dnsNames.reverse();
    },
    undefined,
  ],
  [
    'dnsNames in another case',
    (i) => {
      i.spec.dnsNames = ['WEB.example.com', 'www.EXAMPLE.com'];
    },
    undefined,
  ],
  [
    'ipAddress changed',
    (i) => {
      i.spec.ipAddresses = ['10.0.0.2'];
    },
    'RequestChanged',
  ],
  [
    'commonName changed',
    (i) => {
      i.spec.commonName = 'other.example.com';
    },
    'RequestChanged',
  ],
  [
    'commonName not in spec is not compared',
    (i) => {
      delete i.spec.commonName;
    },
    undefined,
  ],
  [
    'renewal time reached',
    (i) => {
      i.now = new Date('2026-03-02T00:00:00Z');
    },
    'Renewing',
  ],
  [
    'one second before renewal time',
    (i) => {
      i.now = new Date('2026-03-01T23:59:59Z');
    },
    undefined,
  ],
  [
    'renewBefore moves renewal earlier',
    (i) => {
      i.spec.renewBefore = '1440h';
    },
    'Renewing',
  ], // 60 days before expiry = 2026-01-31
  [
    'renewBeforePercentage moves renewal earlier',
    (i) => {
      i.spec.renewBeforePercentage = 80;
    },
    'Renewing',
  ], // 72 days before expiry
  [
    'expired certificate',
    (i) => {
      i.now = new Date('2026-05-01T00:00:00Z');
    },
    'Renewing',
  ],
  [
    'no validity dates never renews',
    (i) => {
      delete i.secret.notBefore;
      delete i.secret.notAfter;
    },
    undefined,
  ],
  [
    'forced',
    (i) => {
      i.forced = true;
    },
    'ManuallyTriggered',
  ],
  // several policies fire: the first in order wins
  [
    'missing data and wrong issuer',
    (i) => {
      i.secret.hasKey = false;
      i.secret.issuerName = 'other';
    },
    'MissingData',
  ],
  [
    'bad cert and key mismatch',
    (i) => {
      i.secret.certParseError = 'x';
      i.secret.keyMatchesCert = false;
      i.forced = true;
    },
    'InvalidCertificate',
  ],
  [
    'key mismatch, wrong issuer and due',
    (i) => {
      i.secret.keyMatchesCert = false;
      i.secret.issuerName = 'x';
      i.now = new Date('2026-03-15T00:00:00Z');
    },
    'InvalidKeyPair',
  ],
  [
    'wrong issuer and wrong key size',
    (i) => {
      i.secret.issuerName = 'x';
      i.secret.keySize = 384;
    },
    'IncorrectIssuer',
  ],
  [
    'wrong key size and changed names',
    (i) => {
      i.secret.keySize = 384;
      i.spec.dnsNames = ['x.example.com'];
    },
    'SecretMismatch',
  ],
  [
    'changed names and due',
    (i) => {
      i.spec.dnsNames = ['x.example.com'];
      i.now = new Date('2026-03-15T00:00:00Z');
    },
    'RequestChanged',
  ],
  [
    'due and forced',
    (i) => {
      i.forced = true;
      i.now = new Date('2026-03-15T00:00:00Z');
    },
    'Renewing',
  ],
];

for (const [name, mutate, expected] of cases) {
  test(`needsIssuance: ${name} -> ${expected ?? 'no issuance'}`, () => {
    const input = base();
    mutate(input);
    const got = needsIssuance(input);
    assert.equal(got?.reason, expected);
    if (got) assert.ok(got.message.length > 0);
  });
}

test('ISSUANCE_POLICIES order: the first firing policy is what needsIssuance returns', () => {
  const input = base();
  input.secret = { exists: false, hasCert: false, hasKey: false, keyMatchesCert: false, dnsNames: [], ipAddresses: [] };
  input.forced = true;
  const fired = ISSUANCE_POLICIES.map((p) => p(input)).filter((r) => r !== undefined);
  assert.ok(fired.length > 1, 'several policies fire');
  assert.deepEqual(needsIssuance(input), fired[0]);
  assert.equal(fired[0]!.reason, 'DoesNotExist');
});

const messages: Array<[string, Mutate, RegExp]> = [
  [
    'InvalidCertificate includes the parse error',
    (i) => {
      i.secret.certParseError = 'asn1 boom';
    },
    /asn1 boom/,
  ],
  [
    'IncorrectIssuer names the previous issuer',
    (i) => {
      i.secret.issuerName = 'old';
      i.secret.issuerKind = 'ClusterIssuer';
    },
    /ClusterIssuer\/old/,
  ],
  [
    'SecretMismatch names stored and wanted keys',
    (i) => {
      i.spec.privateKey = { ...i.spec.privateKey, algorithm: 'RSA', size: 2048 };
    },
    /ECDSA 256 but spec asks for RSA 2048/,
  ],
  [
    'RequestChanged lists the changed fields',
    (i) => {
      i.spec.dnsNames = ['x.example.com'];
      i.spec.commonName = 'x.example.com';
    },
    /spec\.dnsNames, spec\.commonName/,
  ],
  [
    'Renewing gives the renewal time',
    (i) => {
      i.now = new Date('2026-03-15T00:00:00Z');
    },
    /2026-03-02T00:00:00\.000Z/,
  ],
];
for (const [name, mutate, re] of messages) {
  test(`needsIssuance message: ${name}`, () => {
    const input = base();
    mutate(input);
    assert.match(needsIssuance(input)?.message ?? '', re);
  });
}
