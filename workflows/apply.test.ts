import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectMeta } from '../resources/types.ts';
import { createdObject } from '../resources/created-object.ts';
import type { CertificateObject } from '../resources/objects.ts';
import { certificateSpecFixture } from '../resources/spec-fixture.ts';
import { applyManifest } from './apply.ts';
import { CertificateStatusBook } from './certificate-status.ts';

interface Obj {
  metadata: ObjectMeta;
  spec: { secretName: string; dnsNames: string[]; renewBefore?: string; issuerRef: { name: string; kind: string } };
  status?: { conditions: unknown[] };
}

const created = '2026-01-01T00:00:00.000Z';
const now = new Date('2026-02-01T00:00:00Z');
const current = (): Obj => ({
  metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' }, generation: 4, creationTimestamp: created },
  spec: { secretName: 'web-tls', dnsNames: ['a.example.com', 'b.example.com'], issuerRef: { name: 'le', kind: 'Issuer' } },
  status: { conditions: [] },
});
const manifest = (): Omit<Obj, 'status'> => {
  const { status: _status, ...rest } = current();
  return { ...rest, metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } } };
};

const cases: Array<[string, (m: Omit<Obj, 'status'>) => Omit<Obj, 'status'>, 'unchanged' | 'configured', boolean, number]> = [
  ['same spec is unchanged', (m) => m, 'unchanged', false, 4],
  [
    'same spec in another key order is unchanged',
    (m) => ({ ...m, spec: { issuerRef: { kind: 'Issuer', name: 'le' }, dnsNames: m.spec.dnsNames, secretName: 'web-tls' } }),
    'unchanged',
    false,
    4,
  ],
  ['an explicit undefined field is unchanged', (m) => ({ ...m, spec: { ...m.spec, renewBefore: undefined } }), 'unchanged', false, 4],
  ['spec change is configured and bumps generation', (m) => ({ ...m, spec: { ...m.spec, renewBefore: '24h' } }), 'configured', true, 5],
  ['reordered dnsNames is a spec change', (m) => ({ ...m, spec: { ...m.spec, dnsNames: ['b.example.com', 'a.example.com'] } }), 'configured', true, 5],
  ['label-only change is configured with the same generation', (m) => ({ ...m, metadata: { ...m.metadata, labels: { app: 'web', tier: 'front' } } }), 'configured', false, 4],
  ['annotation-only change is configured with the same generation', (m) => ({ ...m, metadata: { ...m.metadata, annotations: { note: 'x' } } }), 'configured', false, 4],
  ['a client-sent generation is ignored', (m) => ({ ...m, metadata: { ...m.metadata, generation: 99 } }), 'unchanged', false, 4],
];

for (const [name, edit, result, specChanged, generation] of cases) {
  test(`applyManifest: ${name}`, () => {
    const cur = current();
    const next = edit(manifest());
    const out = applyManifest<Obj>(cur, next, now);
    assert.equal(out.result, result);
    assert.equal(out.specChanged, specChanged);
    assert.equal(out.object.metadata.generation, generation);
    assert.equal(out.object.metadata.creationTimestamp, created, 'creationTimestamp is kept');
    if (result === 'configured') assert.deepEqual(out.object.spec, next.spec);
    else assert.deepEqual(out.object.spec, cur.spec);
  });
}

test('applyManifest: first apply is created with generation 1 and a creationTimestamp of now', () => {
  const out = applyManifest<Obj>(undefined, manifest(), now);
  assert.equal(out.result, 'created');
  assert.equal(out.specChanged, true);
  assert.equal(out.object.metadata.generation, 1);
  assert.equal(out.object.metadata.creationTimestamp, now.toISOString());
  assert.deepEqual(out.object.spec, manifest().spec);
});

test('applyManifest: a stored object without generation counts as generation 1', () => {
  const cur = current();
  delete cur.metadata.generation;
  const out = applyManifest<Obj>(cur, { ...manifest(), spec: { ...manifest().spec, dnsNames: ['c.example.com'] } }, now);
  assert.equal(out.object.metadata.generation, 2);
});

// The API publishes createdObject in the memo of a workflow it starts; the workflow's first
// publish records nothing only if it builds the very same JSON (key order included).
test('the object a created Certificate holds is, byte for byte, what the API published', () => {
  const m = {
    apiVersion: 'cert-manager.io/v1' as const,
    kind: 'Certificate' as const,
    metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' }, generation: 3 },
    spec: certificateSpecFixture(),
  };
  const book = new CertificateStatusBook();
  book.replaceSpec(applyManifest<CertificateObject>(undefined, m, now).object);
  assert.equal(JSON.stringify(book.object), JSON.stringify(createdObject(m, now)));
});
