import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestBody } from './parse-body.ts';
import { validateManifests } from './validate.ts';
import type { CertificateManifest, IssuerManifest, SecretManifest } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: the cases mutate documents at any depth
type Doc = Record<string, any>;

const issuer = (acme: Doc = {}, extra: Doc = {}): Doc => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Issuer',
  metadata: { name: 'le' },
  spec: {
    acme: { server: 'https://acme.example/directory', privateKeySecretRef: { name: 'le-account' }, solvers: [{ http01: { ingress: {} } }], ...acme },
  },
  ...extra,
});

const cert = (spec: Doc = {}, extra: Doc = {}): Doc => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web' },
  spec: { secretName: 'web-tls', issuerRef: { name: 'le' }, dnsNames: ['www.example.com'], ...spec },
  ...extra,
});

const secret = (extra: Doc = {}): Doc => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'eab' }, ...extra });

const PEM_BUNDLE = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

const invalid: Array<{ name: string; doc: unknown; field: string; message?: RegExp }> = [
  { name: 'missing issuerRef', doc: cert({ issuerRef: undefined }), field: 'spec.issuerRef', message: /^Required value$/ },
  { name: 'missing secretName', doc: cert({ secretName: undefined }), field: 'spec.secretName', message: /^Required value$/ },
  { name: 'invalid DNS name', doc: cert({ dnsNames: ['bad_name'] }), field: 'spec.dnsNames[0]', message: /Invalid value: "bad_name"/ },
  { name: 'duplicate DNS name', doc: cert({ dnsNames: ['a.example.com', 'A.example.com'] }), field: 'spec.dnsNames[1]', message: /Duplicate/ },
  { name: 'duration in days', doc: cert({ duration: '90d' }), field: 'spec.duration' },
  { name: 'zero duration', doc: cert({ duration: '0s' }), field: 'spec.duration' },
  { name: 'negative renewBefore', doc: cert({ renewBefore: '-1h' }), field: 'spec.renewBefore' },
  { name: 'renewBefore not shorter than duration', doc: cert({ duration: '24h', renewBefore: '24h' }), field: 'spec.renewBefore' },
  {
    name: 'renewBefore with renewBeforePercentage',
    doc: cert({ renewBefore: '1h', renewBeforePercentage: 30 }),
    field: 'spec.renewBeforePercentage',
    message: /mutually exclusive/,
  },
  { name: 'renewBeforePercentage out of range', doc: cert({ renewBeforePercentage: 100 }), field: 'spec.renewBeforePercentage' },
  { name: 'unknown spec field', doc: cert({ foo: 1 }), field: 'spec.foo', message: /unknown field "foo"/ },
  { name: 'unknown top-level field', doc: cert({}, { extra: true }), field: 'extra' },
  { name: 'unknown kind', doc: cert({}, { kind: 'Ingress' }), field: 'kind', message: /supported values: "Issuer"/ },
  { name: 'missing kind', doc: cert({}, { kind: undefined }), field: 'kind', message: /^Required value$/ },
  { name: 'old apiVersion', doc: cert({}, { apiVersion: 'cert-manager.io/v1alpha2' }), field: 'apiVersion', message: /"cert-manager.io\/v1"/ },
  { name: 'scalar document', doc: 'hello', field: '' },
  { name: 'missing metadata.name', doc: cert({}, { metadata: {} }), field: 'metadata.name', message: /^Required value$/ },
  { name: 'uppercase metadata.name', doc: cert({}, { metadata: { name: 'Web' } }), field: 'metadata.name' },
  { name: 'invalid namespace', doc: cert({}, { metadata: { name: 'web', namespace: 'team.a' } }), field: 'metadata.namespace' },
  { name: 'no identities', doc: cert({ dnsNames: [] }), field: 'spec', message: /at least one of commonName/ },
  { name: 'commonName over 64 chars', doc: cert({ commonName: 'a'.repeat(65) }), field: 'spec.commonName' },
  { name: 'invalid IP address', doc: cert({ ipAddresses: ['10.0.0.300'] }), field: 'spec.ipAddresses[0]' },
  { name: 'invalid email SAN', doc: cert({ emailAddresses: ['nobody'] }), field: 'spec.emailAddresses[0]' },
  { name: 'unknown usage', doc: cert({ usages: ['server auth', 'world domination'] }), field: 'spec.usages[1]', message: /Unsupported value/ },
  { name: 'issuerRef of unknown kind', doc: cert({ issuerRef: { name: 'le', kind: 'Vault' } }), field: 'spec.issuerRef.kind' },
  {
    name: 'external issuer group',
    doc: cert({ issuerRef: { name: 'le', group: 'awspca.cert-manager.io' } }),
    field: 'spec.issuerRef.group',
    message: /external issuers are not supported/,
  },
  { name: 'RSA key size 1024', doc: cert({ privateKey: { size: 1024 } }), field: 'spec.privateKey.size' },
  { name: 'ECDSA key size 2048', doc: cert({ privateKey: { algorithm: 'ECDSA', size: 2048 } }), field: 'spec.privateKey.size' },
  { name: 'keystores', doc: cert({ keystores: { pkcs12: { create: true } } }), field: 'spec.keystores', message: /not supported yet/ },
  { name: 'revisionHistoryLimit 0', doc: cert({ revisionHistoryLimit: 0 }), field: 'spec.revisionHistoryLimit' },
  { name: 'isCA as a string', doc: cert({ isCA: 'yes' }), field: 'spec.isCA', message: /must be of type boolean/ },
  { name: 'dns01 solver', doc: issuer({ solvers: [{ dns01: { cloudflare: {} } }] }), field: 'spec.acme.solvers[0].dns01', message: /only http01 solvers/ },
  {
    name: 'solver without a type',
    doc: issuer({ solvers: [{ selector: { dnsZones: ['example.com'] } }] }),
    field: 'spec.acme.solvers[0]',
    message: /one of http01 or dns01 is required/,
  },
  { name: 'no solvers', doc: issuer({ solvers: [] }), field: 'spec.acme.solvers' },
  { name: 'selfSigned issuer', doc: issuer({}, { spec: { selfSigned: {} } }), field: 'spec.selfSigned', message: /only acme issuers/ },
  { name: 'empty issuer spec', doc: issuer({}, { spec: {} }), field: 'spec' },
  { name: 'missing ACME server', doc: issuer({ server: undefined }), field: 'spec.acme.server', message: /^Required value$/ },
  { name: 'non-HTTP ACME server', doc: issuer({ server: 'ftp://acme.example' }), field: 'spec.acme.server' },
  {
    name: 'ACME server at the metadata IP',
    doc: issuer({ server: 'http://169.254.169.254/latest/meta-data/' }),
    field: 'spec.acme.server',
    message: /link-local or cloud metadata/,
  },
  { name: 'ACME server at the metadata IP in decimal', doc: issuer({ server: 'http://2852039166/dir' }), field: 'spec.acme.server', message: /169\.254\.169\.254/ },
  { name: 'ACME server at an IPv6 link-local address', doc: issuer({ server: 'https://[fe80::1]:14000/dir' }), field: 'spec.acme.server', message: /link-local/ },
  { name: 'ACME server at the AWS IPv6 metadata address', doc: issuer({ server: 'http://[fd00:ec2::254]/' }), field: 'spec.acme.server', message: /metadata/ },
  { name: 'ACME server at the Alibaba metadata address', doc: issuer({ server: 'http://100.100.100.200/latest/meta-data/' }), field: 'spec.acme.server', message: /metadata/ },
  {
    name: 'ACME server at a metadata host name',
    doc: issuer({ server: 'http://Metadata.Google.Internal./computeMetadata/v1/' }),
    field: 'spec.acme.server',
    message: /metadata endpoint/,
  },
  { name: 'bad ACME email', doc: issuer({ email: 'ops at example.com' }), field: 'spec.acme.email' },
  { name: 'caBundle that is not PEM', doc: issuer({ caBundle: Buffer.from('hello').toString('base64') }), field: 'spec.acme.caBundle', message: /base64 of PEM/ },
  { name: 'EAB without keyID', doc: issuer({ externalAccountBinding: { keySecretRef: { name: 'eab', key: 'secret' } } }), field: 'spec.acme.externalAccountBinding.keyID' },
  {
    name: 'EAB without secret key',
    doc: issuer({ externalAccountBinding: { keyID: 'k', keySecretRef: { name: 'eab' } } }),
    field: 'spec.acme.externalAccountBinding.keySecretRef.key',
  },
  {
    name: 'EAB with unknown algorithm',
    doc: issuer({ externalAccountBinding: { keyID: 'k', keySecretRef: { name: 'eab', key: 's' }, keyAlgorithm: 'MD5' } }),
    field: 'spec.acme.externalAccountBinding.keyAlgorithm',
  },
  { name: 'secret with invalid base64', doc: secret({ data: { secret: 'not base64!' } }), field: 'data.secret', message: /must be base64/ },
  { name: 'secret with invalid key', doc: secret({ stringData: { 'a/b': 'x' } }), field: 'stringData.a/b' },
  { name: 'secret with wrong apiVersion', doc: secret({ apiVersion: 'cert-manager.io/v1' }), field: 'apiVersion' },
  // Limits: every one names its field, and a long value is not echoed back whole.
  { name: '300-character name', doc: cert({}, { metadata: { name: 'a'.repeat(300) } }), field: 'metadata.name', message: /no more than 253/ },
  { name: '64-character namespace', doc: cert({}, { metadata: { name: 'web', namespace: 'a'.repeat(64) } }), field: 'metadata.namespace', message: /no more than 63/ },
  {
    name: '101 dnsNames',
    doc: cert({ dnsNames: Array.from({ length: 101 }, (_, i) => `n${i}.example.com`) }),
    field: 'spec.dnsNames',
    message: /^Too many: 101: must have at most 100 items$/,
  },
  { name: '254-character DNS name', doc: cert({ dnsNames: [`${'a.'.repeat(126)}ab`] }), field: 'spec.dnsNames[0]', message: /no more than 253/ },
  { name: '101 IP addresses', doc: cert({ ipAddresses: Array(101).fill('10.0.0.1') }), field: 'spec.ipAddresses', message: /Too many/ },
  {
    name: 'label value of 64 characters',
    doc: cert({}, { metadata: { name: 'web', labels: { team: 'a'.repeat(64) } } }),
    field: 'metadata.labels.team',
    message: /no more than 63/,
  },
  { name: 'label key with a space', doc: cert({}, { metadata: { name: 'web', labels: { 'my team': 'a' } } }), field: 'metadata.labels.my team' },
  {
    name: 'annotations over 256 KiB',
    doc: cert({}, { metadata: { name: 'web', annotations: { a: 'x'.repeat(262_144) } } }),
    field: 'metadata.annotations',
    message: /at most 262144 bytes/,
  },
  { name: 'secretTemplate label too long', doc: cert({ secretTemplate: { labels: { a: 'b'.repeat(64) } } }), field: 'spec.secretTemplate.labels.a' },
  {
    name: 'subject organization too long',
    doc: cert({ subject: { organizations: ['o'.repeat(1025)] } }),
    field: 'spec.subject.organizations[0]',
    message: /^Too long: must have at most 1024 characters$/,
  },
  { name: '60,000-character e-mail', doc: cert({ emailAddresses: [`a@${'a.'.repeat(30_000)}@`] }), field: 'spec.emailAddresses[0]', message: /email/ },
  { name: 'ACME e-mail of 60,000 characters', doc: issuer({ email: `a@${'a.'.repeat(30_000)}@` }), field: 'spec.acme.email' },
  {
    name: 'EAB keyID too long',
    doc: issuer({ externalAccountBinding: { keyID: 'k'.repeat(2000), keySecretRef: { name: 'eab', key: 'secret' } } }),
    field: 'spec.acme.externalAccountBinding.keyID',
    message: /Too long/,
  },
  { name: 'ACME server URL too long', doc: issuer({ server: `https://acme.example/${'a'.repeat(3000)}` }), field: 'spec.acme.server', message: /2048/ },
  { name: '101 solvers', doc: issuer({ solvers: Array(101).fill({ http01: { ingress: {} } }) }), field: 'spec.acme.solvers', message: /Too many/ },
];

test('hostile field values are refused in well under a second', () => {
  const t = performance.now();
  const result = validateManifests([
    cert({ emailAddresses: Array(100).fill(`a@${'a.'.repeat(30_000)}@`) }),
    issuer({ email: `a@${'a.'.repeat(30_000)}@` }, { metadata: { name: 'a'.repeat(200_000) } }),
  ]);
  assert.equal(result.ok, false);
  assert.ok(performance.now() - t < 500, `${performance.now() - t} ms`);
  // The message stays readable: long values are cut, not echoed whole.
  if (!result.ok) for (const c of result.causes) assert.ok(c.message.length < 1000, `cause of ${c.message.length} characters`);
});

for (const c of invalid) {
  test(`rejects ${c.name} with a cause on ${c.field || '(document)'}`, () => {
    const result = validateManifests([c.doc]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const cause = result.causes.find((x) => x.field === c.field);
    assert.ok(cause, `no cause on ${c.field}; got ${JSON.stringify(result.causes)}`);
    if (c.message) assert.match(cause.message, c.message);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: each check reads its own kind's fields
const valid: Array<{ name: string; doc: unknown; check: (m: any) => void }> = [
  {
    name: 'ACME servers on loopback and private addresses stay allowed (internal CAs, Pebble)',
    doc: issuer({ server: 'https://127.0.0.1:14000/dir' }),
    check: (m: IssuerManifest) => assert.equal(m.spec.acme.server, 'https://127.0.0.1:14000/dir'),
  },
  {
    name: 'ACME server on a private IPv6 address',
    doc: issuer({ server: 'https://[fd12::5]/acme/directory' }),
    check: (m: IssuerManifest) => assert.equal(m.spec.acme.server, 'https://[fd12::5]/acme/directory'),
  },
  {
    name: 'minimal Certificate gets cert-manager defaults',
    doc: cert(),
    check: (m: CertificateManifest) => {
      assert.equal(m.metadata.namespace, 'default');
      assert.deepEqual(m.spec.issuerRef, { name: 'le', kind: 'Issuer', group: 'cert-manager.io' });
      assert.equal(m.spec.duration, '2160h');
      assert.deepEqual(m.spec.usages, ['digital signature', 'key encipherment']);
      assert.equal(m.spec.isCA, false);
      assert.deepEqual(m.spec.privateKey, { algorithm: 'RSA', size: 2048, encoding: 'PKCS1', rotationPolicy: 'Always' });
      assert.equal(m.spec.revisionHistoryLimit, 1);
      assert.deepEqual([m.spec.ipAddresses, m.spec.uris, m.spec.emailAddresses], [[], [], []]);
    },
  },
  {
    name: 'ECDSA key defaults to P-256',
    doc: cert({ privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Never' } }),
    check: (m: CertificateManifest) => assert.deepEqual(m.spec.privateKey, { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Never' }),
  },
  {
    name: 'Certificate with commonName only, ClusterIssuer ref and explicit timings',
    doc: cert({ dnsNames: undefined, commonName: 'internal', issuerRef: { name: 'le', kind: 'ClusterIssuer', group: 'cert-manager.io' }, duration: '720h', renewBefore: '240h' }),
    check: (m: CertificateManifest) => {
      assert.deepEqual(m.spec.dnsNames, []);
      assert.equal(m.spec.issuerRef.kind, 'ClusterIssuer');
      assert.equal(m.spec.renewBefore, '240h');
    },
  },
  {
    name: 'Certificate pasted from kubectl get -o yaml',
    doc: cert(
      {},
      {
        metadata: { name: 'web', namespace: 'team-a', uid: 'u', resourceVersion: '1', generation: 3, creationTimestamp: '2024-01-01T00:00:00Z', managedFields: [] },
        status: { conditions: [] },
      },
    ),
    check: (m: CertificateManifest) => assert.deepEqual(m.metadata, { name: 'web', namespace: 'team-a' }),
  },
  {
    name: 'Issuer keeps ACME settings and drops nothing the user set',
    doc: issuer({ email: 'ops@example.com', caBundle: PEM_BUNDLE, skipTLSVerify: true, preferredChain: 'ISRG Root X1' }, { metadata: { name: 'le', labels: { team: 'a' } } }),
    check: (m: IssuerManifest) => {
      assert.deepEqual(m.metadata, { name: 'le', namespace: 'default', labels: { team: 'a' } });
      assert.equal(m.spec.acme.caBundle, PEM_BUNDLE);
      assert.equal(m.spec.acme.skipTLSVerify, true);
      assert.deepEqual(m.spec.acme.solvers, [{ http01: { ingress: {} } }]);
    },
  },
  {
    name: 'ClusterIssuer ignores a namespace',
    doc: issuer({}, { kind: 'ClusterIssuer', metadata: { name: 'le', namespace: 'Not_Valid' } }),
    check: (m: IssuerManifest) => assert.deepEqual(m.metadata, { name: 'le' }),
  },
  {
    name: 'Secret decodes data and lets stringData win',
    doc: secret({ data: { a: Buffer.from('from-data').toString('base64'), b: 'eA==' }, stringData: { b: 'from-stringData' }, immutable: true }),
    check: (m: SecretManifest) => {
      assert.equal(m.type, 'Opaque');
      assert.deepEqual(Object.fromEntries(Object.entries(m.data).map(([k, v]) => [k, v.toString()])), { a: 'from-data', b: 'from-stringData' });
    },
  },
];

for (const c of valid) {
  test(`accepts ${c.name}`, () => {
    const result = validateManifests([c.doc]);
    assert.ok(result.ok, result.ok ? '' : result.message);
    c.check(result.manifests[0]);
  });
}

test('reports every invalid document, naming each one', () => {
  const result = validateManifests([cert({ dnsNames: ['bad_name'] }), issuer(), { kind: 'Nope' }]);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.causes.map((c) => c.field),
    ['spec.dnsNames[0]', 'kind'],
  );
  assert.match(result.causes[0]!.message, /^Certificate default\/web: Invalid value: "bad_name"/);
  assert.match(result.causes[1]!.message, /^document 3: /);
  assert.match(result.message, /^Certificate\.cert-manager\.io "web" is invalid: spec\.dnsNames\[0\]: Invalid value: "bad_name": .*; document 3 is invalid: kind: /);
});

test('a single document keeps cause messages unprefixed', () => {
  const result = validateManifests([cert({ issuerRef: undefined })]);
  assert.deepEqual(result, {
    ok: false,
    causes: [{ field: 'spec.issuerRef', message: 'Required value', reason: 'FieldValueRequired' }],
    message: 'Certificate.cert-manager.io "web" is invalid: spec.issuerRef: Required value',
  });
});

test('the same object twice in one request is rejected', () => {
  const result = validateManifests([cert(), cert()]);
  assert.equal(result.ok, false);
  if (!result.ok)
    assert.deepEqual(
      result.causes.map((c) => c.field),
      ['metadata.name'],
    );
});

test('seed Issuer and Certificate validate', () => {
  const body = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: digicert
  namespace: team-a
spec:
  acme:
    email: ops@example.com
    server: https://acme.digicert.com/v2/acme/directory/
    externalAccountBinding:
      keyID: kid-1
      keySecretRef:
        name: eab-secret
        key: secret
      keyAlgorithm: HS256
    privateKeySecretRef:
        name: acme-account-key
    solvers:
    - http01:
        ingress:
          class: nginx
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: team-a
spec:
  dnsNames:
    - www.example.com
  secretName: web-tls
  issuerRef:
    name: digicert
`;
  const parsed = parseManifestBody(body, 'yaml');
  assert.ok(parsed.ok);
  const result = validateManifests(parsed.docs);
  assert.ok(result.ok, result.ok ? '' : result.message);
  const [iss, crt] = result.manifests as [IssuerManifest, CertificateManifest];
  assert.deepEqual(iss.metadata, { name: 'digicert', namespace: 'team-a' });
  assert.deepEqual(iss.spec.acme.externalAccountBinding, { keyID: 'kid-1', keySecretRef: { name: 'eab-secret', key: 'secret' }, keyAlgorithm: 'HS256' });
  assert.deepEqual(iss.spec.acme.solvers, [{ http01: { ingress: { class: 'nginx' } } }]);
  assert.deepEqual(crt.spec.issuerRef, { name: 'digicert', kind: 'Issuer', group: 'cert-manager.io' });
  assert.equal(crt.metadata.namespace, 'team-a');
});
