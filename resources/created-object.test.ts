import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createdObject } from './created-object.ts';
import { certificateSpecFixture } from './spec-fixture.ts';
import type { CertificateManifest, ObjectMeta } from './types.ts';

const now = new Date('2026-03-01T12:34:56.789Z');
const manifest = (metadata: Partial<ObjectMeta> = {}): CertificateManifest => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' }, ...metadata },
  spec: certificateSpecFixture(),
});

const cases: Array<[string, Partial<ObjectMeta>, Partial<ObjectMeta>]> = [
  ['a plain manifest gets generation 1 and the creation time', {}, { generation: 1, creationTimestamp: now.toISOString() }],
  ['a client-sent generation is ignored', { generation: 7 }, { generation: 1 }],
  ['a client-sent creationTimestamp is ignored', { creationTimestamp: '2000-01-01T00:00:00Z' }, { creationTimestamp: now.toISOString() }],
  ['labels and annotations are kept', { annotations: { note: 'x' } }, { labels: { app: 'web' }, annotations: { note: 'x' } }],
];

for (const [name, sent, expected] of cases) {
  test(`createdObject: ${name}`, () => {
    const m = manifest(sent);
    const before = structuredClone(m);
    const o = createdObject(m, now);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(o.metadata[key as keyof ObjectMeta], value, key);
    assert.deepEqual(o.spec, m.spec);
    assert.deepEqual(o.status, { conditions: [] }, 'no status until the workflow has looked');
    assert.deepEqual(m, before, 'the manifest is not changed');
  });
}
