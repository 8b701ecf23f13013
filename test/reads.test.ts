// Reads come from what each resource publishes (memo and search attributes), which Temporal
// serves without a worker: with every worker stopped, GET and list return the last published
// state at once (no 503), with Kubernetes' pagination, label selectors and all-namespaces lists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedManifests, startTestEnv, waitReady, type TestEnv } from './support/env.ts';

interface ListJson {
  kind: string;
  metadata: { continue?: string };
  items: { metadata: { name: string; namespace?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

describe('reads without a worker', () => {
  let env: TestEnv;
  const list = async (p: string): Promise<ListJson> => {
    const res = await env.api(p);
    assert.equal(res.status, 200, `${p}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as ListJson;
  };
  const names = (l: ListJson) => l.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);

  before(async () => {
    env = await startTestEnv();
    for (const [ns, app] of [
      ['team-a', 'web'],
      ['team-b', 'api'],
    ] as const) {
      const yaml = seedManifests(env, { namespace: ns, certificate: app }).replace(
        `name: ${app}\n  namespace: ${ns}`,
        `name: ${app}\n  namespace: ${ns}\n  labels:\n    app: ${app}\n    tier: front`,
      );
      const res = await env.apply(yaml);
      assert.equal(res.status, 200, await res.clone().text());
    }
    await Promise.all([waitReady(env, 'team-a', 'web'), waitReady(env, 'team-b', 'api')]);
    // Every worker stopped: nothing can answer a query any more.
    env.stack!.worker!.shutdown();
    while (env.stack!.worker!.getState() !== 'STOPPED') await new Promise((r) => setTimeout(r, 50));
  });
  after(async () => env?.stop());

  test('GET returns the last published object at once', async () => {
    const started = Date.now();
    const res = await env.api('/apis/cert-manager.io/v1/namespaces/team-a/certificates/web');
    assert.equal(res.status, 200);
    const cert = (await res.json()) as { metadata: { labels: Record<string, string> }; status: { revision: number; conditions: { type: string; status: string }[] } };
    assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    assert.equal(cert.status.revision, 1);
    assert.ok(cert.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.equal(cert.metadata.labels['app'], 'web');
    const issuer = await env.api('/apis/cert-manager.io/v1/namespaces/team-b/issuers/pebble');
    assert.equal(issuer.status, 200);
    assert.equal((await env.api('/apis/cert-manager.io/v1/namespaces/team-b/certificates/nope')).status, 404);
  });

  test('every kind lists from visibility, per namespace and across namespaces', async () => {
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/namespaces/team-a/certificates')), ['team-a/web']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates')), ['team-a/web', 'team-b/api']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/issuers')), ['team-a/pebble', 'team-b/pebble']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/namespaces/team-b/certificaterequests')), ['team-b/api-1']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificaterequests')), ['team-a/web-1', 'team-b/api-1']);
    const orders = await list('/apis/acme.cert-manager.io/v1/namespaces/team-a/orders');
    assert.equal(orders.items.length, 1);
    assert.equal(orders.kind, 'OrderList');
    const challenges = await list('/apis/acme.cert-manager.io/v1/challenges');
    assert.equal(challenges.items.length, 2);
  });

  test('label selectors', async () => {
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=app%3Dweb')), ['team-a/web']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=app!%3Dweb')), ['team-b/api']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=tier%3Dfront,app%20in%20(api,other)')), ['team-b/api']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=app%20notin%20(api)')), ['team-a/web']);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=!tier')), []);
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificates?labelSelector=tier')), ['team-a/web', 'team-b/api']);
    // The CertificateRequest carries its Certificate's labels, as in cert-manager.
    assert.deepEqual(names(await list('/apis/cert-manager.io/v1/certificaterequests?labelSelector=app%3Dapi')), ['team-b/api-1']);
    const bad = await env.api("/apis/cert-manager.io/v1/certificates?labelSelector=app%3D'x'%20OR%201%3D1");
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /labelSelector/);
  });

  test('limit and continue page through a list', async () => {
    const first = await list('/apis/cert-manager.io/v1/certificates?limit=1');
    assert.equal(first.items.length, 1);
    assert.ok(first.metadata.continue, 'a continue token');
    const second = await list(`/apis/cert-manager.io/v1/certificates?limit=1&continue=${first.metadata.continue}`);
    assert.equal(second.items.length, 1);
    assert.notDeepEqual(names(second), names(first));
    // The second page may still carry a token (the server cannot know the list ended); its page is empty.
    if (second.metadata.continue) {
      const third = await list(`/apis/cert-manager.io/v1/certificates?limit=1&continue=${second.metadata.continue}`);
      assert.deepEqual(third.items, []);
    }
    assert.equal((await env.api('/apis/cert-manager.io/v1/certificates?limit=0')).status, 400);
    assert.equal((await env.api('/apis/cert-manager.io/v1/certificates?continue=%27')).status, 400);
  });
});
