// The brief's user flow against real Temporal and real Pebble: two manifests in, a valid
// certificate and key on disk, every step visible as a workflow, and no secret in any history.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { allHistoriesText, pemBodyLines, repeatedUpsertsInOneTask } from './support/history.ts';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';

interface Listed {
  items: { metadata: { name: string }; status: Record<string, unknown> & { conditions?: { type: string; status: string }[] } }[];
}

describe('ACME issuance end to end', () => {
  let env: TestEnv;
  const ns = 'team-a';
  const secretDir = () => path.join(env.config.dataDir, 'secrets', ns, 'web-tls');
  const get = async (p: string) => {
    const res = await env.api(p);
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return res.json() as Promise<Listed & Record<string, unknown>>;
  };

  before(async () => {
    env = await startTestEnv();
  });
  after(async () => env?.stop());

  test('seed Issuer (EAB) and Certificate end Ready with a matching key pair that chains to Pebble root', async () => {
    const res = await env.apply(seedManifests(env, { namespace: ns }));
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { items: { kind: string; namespace: string; name: string; result: string }[] };
    assert.deepEqual(
      body.items.map((i) => `${i.kind} ${i.namespace}/${i.name} ${i.result}`),
      [`Secret ${ns}/pebble-eab created`, `Issuer ${ns}/pebble created`, `Certificate ${ns}/web created`],
    );

    const cert = await waitReady(env, ns, 'web');
    assert.equal(cert.status.revision, 1);

    const chainPem = await fs.readFile(path.join(secretDir(), 'tls.crt'), 'utf8');
    const keyPem = await fs.readFile(path.join(secretDir(), 'tls.key'));
    const chain = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/).map((p) => new X509Certificate(p));
    assert.ok(chain[0]!.checkPrivateKey(createPrivateKey(keyPem)), 'tls.key matches tls.crt');
    assert.match(chain[0]!.subjectAltName ?? '', /DNS:web\.example\.test/);
    const root = new X509Certificate(await env.pebble.rootPem());
    const all = [...chain, root];
    for (let i = 0; i < chain.length; i++) assert.ok(all[i]!.verify(all[i + 1]!.publicKey), `certificate ${i} is signed by the next`);
    assert.equal((await fs.stat(path.join(secretDir(), 'tls.key'))).mode & 0o777, 0o600);
    assert.equal((await fs.stat(secretDir())).mode & 0o777, 0o700);
    assert.equal(cert.status.notAfter, new Date(chain[0]!.validTo).toISOString().replace('.000Z', 'Z'));
  });

  test('every step is a workflow with a readable ID, and the API lists each resource', async () => {
    const ids: string[] = [];
    for await (const wf of env.client.workflow.list()) ids.push(wf.workflowId);
    const has = (re: RegExp) =>
      assert.ok(
        ids.some((id) => re.test(id)),
        `a workflow ID like ${re} in ${ids.join(', ')}`,
      );
    has(/^issuer\/team-a\/pebble$/);
    has(/^certificate\/team-a\/web$/);
    has(/^certificaterequest\/team-a\/web-1$/);
    has(/^order\/team-a\/web-1-[0-9a-f]{8}$/);
    has(/^challenge\/team-a\/web-1-[0-9a-f]{8}-[0-9a-f]{8}$/);

    const issuer = await get(`/apis/cert-manager.io/v1/namespaces/${ns}/issuers/pebble`);
    assert.match(String((issuer.status as { acme?: { uri?: string } }).acme?.uri), /^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    const requests = await get(`/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`);
    assert.equal(requests.kind, 'CertificateRequestList');
    assert.deepEqual(
      requests.items.map((r) => r.metadata.name),
      ['web-1'],
    );
    assert.ok(requests.items[0]!.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const orders = await get(`/apis/acme.cert-manager.io/v1/namespaces/${ns}/orders`);
    assert.equal(orders.items.length, 1);
    assert.equal(orders.items[0]!.status.state, 'valid');
    const challenges = await get(`/apis/acme.cert-manager.io/v1/namespaces/${ns}/challenges`);
    assert.equal(challenges.items.length, 1);
    assert.equal(challenges.items[0]!.status.state, 'valid');
    assert.equal(challenges.items[0]!.status.presented, false);
    assert.deepEqual((await env.pebble) && (await fs.readdir(path.join(env.config.dataDir, 'http01'))), []);
  });

  test('the Secret is readable through the API, and unknown names are a 404 Status', async () => {
    const secret = (await get(`/api/v1/namespaces/${ns}/secrets/web-tls`)) as unknown as { type: string; data: Record<string, string> };
    assert.equal(secret.type, 'kubernetes.io/tls');
    assert.equal(Buffer.from(secret.data['tls.crt']!, 'base64').toString(), await fs.readFile(path.join(secretDir(), 'tls.crt'), 'utf8'));
    for (const p of [
      `/api/v1/namespaces/${ns}/secrets/nope`,
      `/apis/cert-manager.io/v1/namespaces/${ns}/certificates/nope`,
      `/apis/acme.cert-manager.io/v1/namespaces/${ns}/orders/nope`,
    ]) {
      const res = await env.api(p);
      assert.equal(res.status, 404, p);
      assert.equal(((await res.json()) as { reason: string }).reason, 'NotFound');
    }
  });

  test('applying the same manifests again changes nothing', async () => {
    const res = await env.apply(seedManifests(env, { namespace: ns }));
    const body = (await res.json()) as { items: { result: string }[] };
    assert.deepEqual(
      body.items.map((i) => i.result),
      ['unchanged', 'unchanged', 'unchanged'],
    );
  });

  test('the renew endpoint re-issues: revision 2 with a new serial and a new key', async () => {
    const before = new X509Certificate(await fs.readFile(path.join(secretDir(), 'tls.crt')));
    const beforeKey = await fs.readFile(path.join(secretDir(), 'tls.key'), 'utf8');
    const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificates/web/renew`, { method: 'POST' });
    assert.equal(res.status, 202);
    await waitReady(env, ns, 'web', 60_000, 2);
    const after = new X509Certificate(await fs.readFile(path.join(secretDir(), 'tls.crt')));
    assert.notEqual(after.serialNumber, before.serialNumber);
    assert.notEqual(await fs.readFile(path.join(secretDir(), 'tls.key'), 'utf8'), beforeKey);
    const missing = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificates/nope/renew`, { method: 'POST' });
    assert.equal(missing.status, 404);
  });

  // Readers only ever see a task's last write (the server applies a task's commands together), and
  // each write costs a history event and a visibility write (workflows/visibility-upserts.ts).
  test('every workflow task writes its memo and its search attributes at most once', async () => {
    assert.deepEqual(await repeatedUpsertsInOneTask(env.client), []);
  });

  test('no private key, ACME account key or EAB HMAC key appears in any workflow history', async () => {
    const keys = {
      'certificate private key': await fs.readFile(path.join(secretDir(), 'tls.key'), 'utf8'),
      'ACME account key': await fs.readFile(path.join(env.config.dataDir, 'secrets', ns, 'pebble-account-key', 'tls.key'), 'utf8'),
    };
    const { count, text } = await waitFor('histories', async () => {
      const h = await allHistoriesText(env.client);
      return h.count >= 5 ? h : undefined;
    });
    assert.ok(count >= 5, `scanned ${count} histories`);
    // The scan must be able to see payloads: the CSR and the issued certificate are in there.
    assert.match(text, /BEGIN CERTIFICATE REQUEST/);
    assert.doesNotMatch(text, /PRIVATE KEY/);
    for (const [what, pem] of Object.entries(keys)) {
      for (const line of pemBodyLines(pem)) assert.ok(!text.includes(line), `${what} line found in a history`);
      const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
      assert.ok(!text.includes(der.toString('base64').slice(40, 120)), `${what} (PKCS#8 base64) found in a history`);
    }
    assert.ok(!text.includes(env.eab.hmacKey), 'EAB HMAC key found in a history');
    assert.ok(!text.includes(Buffer.from(env.eab.hmacKey, 'base64url').toString('base64')), 'EAB HMAC key (base64) found in a history');
  });
});
