import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore } from '../../platform/secret-store.ts';
import type { Manifest } from '../../resources/types.ts';
import { validateManifests } from '../../resources/validate.ts';
import { ownershipConflicts, recordClaims } from './ownership.ts';
import type { SecretStore } from '../../platform/secret-store.ts';

/** What POST /v1/manifests does: the preflight check, then the claims. */
async function claimSecrets(ms: Manifest[], store: SecretStore, cfg: typeof config) {
  const conflicts = await ownershipConflicts(ms, store, cfg);
  if (conflicts.length > 0) return conflicts;
  const claims = await recordClaims(ms, store, cfg);
  await claims.settle(() => true);
  return claims.causes;
}

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ownership-test-'));
});
after(async () => fs.rm(root, { recursive: true, force: true }));

const config = { clusterResourceNamespace: 'cert-manager' };
let n = 0;
const freshStore = () => new FileSecretStore(path.join(root, `s${n++}`));

const cert = (name: string, secretName: string, namespace = 'ns') => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name, namespace },
  spec: { secretName, dnsNames: ['a.example.com'], issuerRef: { name: 'le' } },
});
const issuer = (name: string, keyName: string, opts: { kind?: 'Issuer' | 'ClusterIssuer'; eab?: string; namespace?: string; noGeneration?: boolean } = {}) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: opts.kind ?? 'Issuer',
  metadata: { name, ...(opts.kind === 'ClusterIssuer' ? {} : { namespace: opts.namespace ?? 'ns' }) },
  spec: {
    acme: {
      server: 'https://acme.example.com/directory',
      privateKeySecretRef: { name: keyName },
      ...(opts.eab ? { externalAccountBinding: { keyID: 'kid', keySecretRef: { name: opts.eab, key: 'secret' } } } : {}),
      ...(opts.noGeneration ? { disableAccountKeyGeneration: true } : {}),
      solvers: [{ http01: { ingress: {} } }],
    },
  },
});
const secret = (name: string, namespace = 'ns') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { k: 'v' } });

function manifests(docs: unknown[]): Manifest[] {
  const v = validateManifests(docs);
  assert.ok(v.ok, JSON.stringify(v));
  return v.manifests;
}

// [name, docs, fields refused, owners named]
const oneRequest: Array<[string, unknown[], string[], string[]]> = [
  ['one Certificate', [cert('a', 's')], [], []],
  ['two Certificates, one secretName', [cert('a', 's'), cert('b', 's')], ['spec.secretName'], ['Certificate/a', 'Certificate/b']],
  ['same secretName in two namespaces', [cert('a', 's'), cert('b', 's', 'other')], [], []],
  ['Certificate on the Issuer account key', [issuer('le', 'le-key'), cert('a', 'le-key')], ['spec.secretName'], ['Issuer/le', 'Certificate/a']],
  ['Certificate on the Issuer account key, Certificate first', [cert('a', 'le-key'), issuer('le', 'le-key')], ['spec.secretName'], ['Issuer/le', 'Certificate/a']],
  ['Certificate on the EAB Secret name', [issuer('le', 'le-key', { eab: 'eab' }), cert('a', 'eab')], ['spec.secretName'], ['Issuer/le', 'Certificate/a']],
  [
    'Certificate on a ClusterIssuer key in the cluster resource namespace',
    [issuer('ce', 'ce-key', { kind: 'ClusterIssuer' }), cert('a', 'ce-key', 'cert-manager')],
    ['spec.secretName'],
    ['ClusterIssuer/ce', 'Certificate/a'],
  ],
  ['ClusterIssuer key name in another namespace is no clash', [issuer('ce', 'ce-key', { kind: 'ClusterIssuer' }), cert('a', 'ce-key')], [], []],
  ['Certificate on a Secret applied in the request', [secret('s'), cert('a', 's')], ['spec.secretName'], ['a Secret applied by a user', 'Certificate/a']],
  ['Issuer with its account key Secret and EAB Secret applied alongside', [issuer('le', 'k', { eab: 'e' }), secret('k'), secret('e')], [], []],
  ['two Issuers sharing an account key', [issuer('a', 'k'), issuer('b', 'k')], [], []],
];
for (const [name, docs, fields, owners] of oneRequest) {
  test(`ownershipConflicts in one request: ${name}`, async () => {
    const causes = await ownershipConflicts(manifests(docs), freshStore(), config);
    assert.deepEqual(
      causes.map((c) => c.field),
      fields,
    );
    for (const owner of owners)
      assert.ok(
        causes.some((c) => c.message.includes(owner)),
        `${owner} in ${JSON.stringify(causes)}`,
      );
  });
}

// [name, first request, second request, fields refused in the second]
const twoRequests: Array<[string, unknown[], unknown[], string[]]> = [
  ['second Certificate on a claimed secretName', [cert('a', 's')], [cert('b', 's')], ['spec.secretName']],
  ['the same Certificate again', [cert('a', 's')], [cert('a', 's')], []],
  ['Certificate on an existing Issuer account key', [issuer('le', 'k')], [cert('a', 'k')], ['spec.secretName']],
  ['Issuer key on an existing Certificate Secret', [cert('a', 'k')], [issuer('le', 'k')], ['spec.acme.privateKeySecretRef.name']],
  ['user Secret over a Certificate Secret', [cert('a', 's')], [secret('s')], ['metadata.name']],
  ['user Secret replacing a generated account key', [issuer('le', 'k')], [secret('k')], []],
  ['user Secret applied again', [secret('s')], [secret('s')], []],
  ['Issuer on a user-applied account key', [secret('k')], [issuer('le', 'k')], []],
  ['Certificate on a user Secret', [secret('s')], [cert('a', 's')], ['spec.secretName']],
  ['Issuer without key generation does not claim its key', [issuer('le', 'k', { noGeneration: true })], [secret('k')], []],
];
for (const [name, first, second, fields] of twoRequests) {
  test(`claimSecrets across requests: ${name}`, async () => {
    const store = freshStore();
    assert.deepEqual(await claimSecrets(manifests(first), store, config), []);
    const causes = await claimSecrets(manifests(second), store, config);
    assert.deepEqual(
      causes.map((c) => c.field),
      fields,
    );
  });
}

test('recordClaims: of concurrent requests for one Secret exactly one wins, and the loser leaves no claim behind', async () => {
  const store = freshStore();
  const results = await Promise.all(['a', 'b', 'c', 'd'].map(async (c) => (await recordClaims(manifests([cert(c, 's'), cert(`${c}-own`, `${c}-own-tls`)]), store, config)).causes));
  assert.equal(results.filter((r) => r.length === 0).length, 1, JSON.stringify(results));
  const winner = ['a', 'b', 'c', 'd'][results.findIndex((r) => r.length === 0)]!;
  assert.equal(await store.owner('ns', 's'), `Certificate/${winner}`);
  for (const c of ['a', 'b', 'c', 'd']) {
    assert.equal(await store.owner('ns', `${c}-own-tls`), c === winner ? `Certificate/${c}-own` : undefined, `${c}'s other claim`);
  }
});

test('claims of documents that were not applied are given back, and a failed apply keeps the old Secret', async () => {
  const store = freshStore();
  assert.deepEqual(await claimSecrets(manifests([cert('a', 'old')]), store, config), []);
  const claims = await recordClaims(manifests([cert('a', 'new'), cert('b', 'b-tls')]), store, config);
  assert.deepEqual(claims.causes, []);
  await claims.settle(() => false);
  assert.equal(await store.owner('ns', 'new'), undefined);
  assert.equal(await store.owner('ns', 'b-tls'), undefined);
  assert.equal(await store.owner('ns', 'old'), 'Certificate/a', 'the Certificate still writes its old Secret');
});

test('a Certificate that changes spec.secretName gives up the Secret it had', async () => {
  const store = freshStore();
  assert.deepEqual(await claimSecrets(manifests([cert('a', 'old')]), store, config), []);
  assert.deepEqual(await claimSecrets(manifests([cert('a', 'new')]), store, config), []);
  assert.equal(await store.owner('ns', 'new'), 'Certificate/a');
  assert.equal(await store.owner('ns', 'old'), undefined);
  assert.deepEqual(await claimSecrets(manifests([cert('b', 'old')]), store, config), [], 'another Certificate may take it now');
});

test('a Certificate the apply created costs no read of its namespace owner records; one that changed spec.secretName does', async () => {
  class CountingStore extends FileSecretStore {
    ownersRead = 0;
    override async owners(namespace: string): Promise<Map<string, string>> {
      this.ownersRead++;
      return super.owners(namespace);
    }
  }
  const store = new CountingStore(path.join(root, `s${n++}`));
  const created = await recordClaims(manifests([cert('a', 'old'), cert('b', 'b-tls')]), store, config);
  await created.settle(
    () => true,
    () => true,
  );
  assert.equal(store.ownersRead, 0);
  assert.equal(await store.owner('ns', 'old'), 'Certificate/a');

  const changed = await recordClaims(manifests([cert('a', 'new')]), store, config);
  await changed.settle(
    () => true,
    () => false,
  );
  assert.equal(store.ownersRead, 1);
  assert.equal(await store.owner('ns', 'old'), undefined, 'the changed Certificate gave its old Secret up');
  assert.equal(await store.owner('ns', 'b-tls'), 'Certificate/b');
});
