// Invalid input is refused before anything starts: the right 4xx, the field named, and no
// workflow, no Secret, no partial apply.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestEnv, type TestEnv } from './support/env.ts';

const certificate = (spec: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
${spec}`;
const goodSpec = `  secretName: web-tls
  issuerRef:
    name: pebble
  dnsNames: [web.example.test]`;
const secret = `apiVersion: v1
kind: Secret
metadata:
  name: eab
stringData:
  secret: c2VjcmV0`;

const cases: { name: string; body: string; contentType?: string; status: number; field?: string }[] = [
  { name: 'bad YAML', body: 'kind: [unclosed', status: 400 },
  { name: 'empty body', body: '', status: 400 },
  { name: 'bad JSON', body: '{"kind":', contentType: 'application/json', status: 400 },
  { name: 'unknown kind', body: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n', status: 422, field: 'kind' },
  { name: 'missing issuerRef', body: certificate('  secretName: web-tls\n  dnsNames: [web.example.test]'), status: 422, field: 'spec.issuerRef' },
  { name: 'invalid DNS name', body: certificate(goodSpec.replace('web.example.test', 'bad_name!')), status: 422, field: 'spec.dnsNames[0]' },
  { name: 'duration not a Go duration', body: certificate(`${goodSpec}\n  duration: 90d`), status: 422, field: 'spec.duration' },
  { name: 'unknown field', body: certificate(`${goodSpec}\n  foo: bar`), status: 422, field: 'spec.foo' },
  { name: 'valid Secret then invalid Certificate: nothing applied', body: `${secret}\n---\n${certificate('  secretName: web-tls')}`, status: 422, field: 'spec.issuerRef' },
  {
    name: 'JSON List with one invalid item',
    body: JSON.stringify({
      kind: 'List',
      items: [
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'x' },
          spec: { secretName: 's', issuerRef: { name: 'i' }, dnsNames: ['ok.example.test'], duration: '1 hour' },
        },
      ],
    }),
    contentType: 'application/json',
    status: 422,
    field: 'spec.duration',
  },
];

describe('invalid manifests', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => env?.stop());

  for (const c of cases) {
    test(`${c.name} -> ${c.status}${c.field ? ` naming ${c.field}` : ''}`, async () => {
      const res = await env.apply(c.body, c.contentType);
      assert.equal(res.status, c.status);
      const status = (await res.json()) as { kind: string; status: string; reason: string; message: string; details?: { causes?: { field: string }[] } };
      assert.equal(status.kind, 'Status');
      assert.equal(status.status, 'Failure');
      assert.ok(status.message.length > 0);
      if (c.field) {
        assert.equal(status.reason, 'Invalid');
        assert.ok(
          status.details?.causes?.some((cause) => cause.field === c.field),
          `causes ${JSON.stringify(status.details?.causes)} name ${c.field}`,
        );
      }
    });
  }

  test('no workflow was started and no Secret was written by any of them', async () => {
    const started = [];
    for await (const wf of env.client.workflow.list()) started.push(wf.workflowId);
    assert.deepEqual(started, []);
    const secrets = await fs.readdir(path.join(env.config.dataDir, 'secrets')).catch(() => []);
    assert.deepEqual(secrets, []);
  });
});
