// Applying a resource that does not exist yet needs no worker: the API starts its workflow with
// the manifest and the created object in its memo, so the apply is answered at once and reads show
// the object before any worker has run. Once a worker starts, the Certificates become Ready.
// Applying to one that exists is still an Update, which waits for a worker (503 after 30 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { startStack, type Stack } from '../scripts/stack.ts';
import { seedManifests, startTestEnv, waitReady, type TestEnv } from './support/env.ts';

const NS = 'nowork';
const COUNT = 12;
const names = Array.from({ length: COUNT }, (_, i) => `c-${i}`);
const certificate = (name: string, secretName = `${name}-tls`) =>
  stringify({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, namespace: NS, labels: { batch: 'one' } },
    spec: { dnsNames: [`${name}.example.test`], secretName, issuerRef: { name: 'pebble' } },
  });

interface Item {
  kind: string;
  name: string;
  result: string;
}
interface Published {
  metadata: { name: string; generation: number; creationTimestamp: string; labels?: Record<string, string> };
  spec: { secretName: string };
  status: { conditions: unknown[] };
}

describe('apply with no worker running', () => {
  let env: TestEnv;
  let worker: Stack | undefined;
  before(async () => {
    env = await startTestEnv({ stack: { worker: false } });
  });
  after(async () => {
    await worker?.stop();
    await env?.stop();
  });

  const get = async (path: string) => {
    const res = await env.api(path);
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    return res.json();
  };

  test('new Certificates (and their Issuer) are created at once, and reads show them at once', async (t) => {
    const seeded = seedManifests(env, { namespace: NS, certificate: names[0] });
    const body = [seeded, ...names.slice(1).map((n) => certificate(n))].join('---\n');
    const started = Date.now();
    const res = await env.apply(body);
    const took = Date.now() - started;
    t.diagnostic(`${COUNT + 2} documents applied in ${took} ms`);
    assert.equal(res.status, 200, await res.clone().text());
    // Without a worker an Update waits 30 s and fails: this answer came from the starts alone.
    assert.ok(took < 15_000, `answered in ${took} ms`);
    const { items } = (await res.json()) as { items: Item[] };
    assert.deepEqual(
      items.map((i) => `${i.kind}/${i.name}=${i.result}`),
      ['Secret/pebble-eab=created', 'Issuer/pebble=created', ...names.map((n) => `Certificate/${n}=created`)],
    );

    const cert = (await get(`/apis/cert-manager.io/v1/namespaces/${NS}/certificates/${names[1]}`)) as Published;
    assert.equal(cert.metadata.generation, 1);
    assert.ok(Math.abs(Date.parse(cert.metadata.creationTimestamp) - started) < took + 2000, cert.metadata.creationTimestamp);
    assert.deepEqual(cert.metadata.labels, { batch: 'one' });
    assert.equal(cert.spec.secretName, `${names[1]}-tls`);
    assert.deepEqual(cert.status, { conditions: [] });
    const issuer = (await get(`/apis/cert-manager.io/v1/namespaces/${NS}/issuers/pebble`)) as Published;
    assert.equal(issuer.metadata.generation, 1);
    // Lists read visibility, which follows the starts shortly.
    let listed: string[] = [];
    for (let i = 0; i < 100 && listed.length < COUNT; i++) {
      listed = ((await get(`/apis/cert-manager.io/v1/namespaces/${NS}/certificates`)) as { items: Published[] }).items.map((o) => o.metadata.name);
      if (listed.length < COUNT) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(listed.sort(), [...names].sort());
  });

  test('a second owner for a Secret is still refused, naming both', async () => {
    const res = await env.apply(certificate('thief', `${names[0]}-tls`));
    assert.equal(res.status, 422, await res.clone().text());
    const { message } = (await res.json()) as { message: string };
    assert.match(message, new RegExp(`Certificate/${names[0]}`));
    assert.match(message, /thief/);
    assert.equal((await env.api(`/apis/cert-manager.io/v1/namespaces/${NS}/certificates/thief`)).status, 404);
  });

  test('re-applying one that exists is an Update: with no worker, a 503 after the deadline', async () => {
    const started = Date.now();
    const res = await env.apply(certificate(names[2]!));
    assert.equal(res.status, 503, await res.clone().text());
    assert.ok(Date.now() - started >= 29_000, `answered after ${Date.now() - started} ms`);
    const { message } = (await res.json()) as { message: string };
    assert.match(message, /no worker took the apply/);
  });

  test('once a worker starts, they become Ready, still at generation 1', async () => {
    worker = await startStack(env.config, env.temporalAddress, { api: false });
    const ready = await Promise.all(names.map((n) => waitReady(env, NS, n, 240_000)));
    assert.equal(ready.length, COUNT);
    const cert = (await get(`/apis/cert-manager.io/v1/namespaces/${NS}/certificates/${names[1]}`)) as Published;
    assert.equal(cert.metadata.generation, 1);
    // The apply answered with 503 above reaches the workflow now; it changed nothing.
    const again = await env.apply(certificate(names[2]!));
    assert.equal(again.status, 200, await again.clone().text());
    assert.equal(((await again.json()) as { items: Item[] }).items[0]?.result, 'unchanged');
  });
});
