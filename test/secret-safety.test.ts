// Safe Secrets against real Temporal and real Pebble: one owner per Secret (collisions are a 422
// naming both owners, with nothing started), a reader of the files never sees a key pair from two
// versions across many renewals, and an issued certificate survives a failing store.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { FileSecretStore } from '../platform/secret-store.ts';
import { startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import { applyResults, certificateYaml, condition, deleteCertificate, getCertificate, issuerYaml, renew, secretDir, waitRevision } from './support/lifecycle-helpers.ts';
import { leafOf, listOrders, requestLeaf } from './support/renewal-helpers.ts';

interface StatusBody {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; message: string }[] };
}

describe('Secret safety', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ config: { CERTIFICATE_RESYNC_PERIOD: '2s' } });
  });
  after(async () => env?.stop());

  const workflowsIn = async (ns: string) => {
    const ids: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `CertManagerNamespace='${ns}'` })) ids.push(wf.workflowId);
    return ids.sort();
  };
  const secretsIn = async (ns: string) => (await fs.readdir(path.join(env.config.dataDir, 'secrets', ns)).catch(() => [] as string[])).filter((e) => !e.startsWith('.'));

  async function refused(yaml: string, field: string, owners: string[]): Promise<StatusBody> {
    const res = await env.apply(yaml);
    const body = (await res.json()) as StatusBody;
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(body.reason, 'Invalid');
    assert.ok(
      body.details?.causes?.some((c) => c.field === field),
      `a cause for ${field}: ${JSON.stringify(body.details)}`,
    );
    for (const owner of owners) assert.ok(body.message.includes(owner), `message names ${owner}: ${body.message}`);
    return body;
  }

  const secretYaml = (ns: string, name: string) => stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { 'tls.crt': 'mine' } });

  test('collisions in one request are a 422 naming both owners, and nothing is started or written', async () => {
    const ns = 'collide-one';
    const accountKey = certificateYaml({ namespace: ns, name: 'thief', spec: { secretName: 'pebble-account-key' } });
    await refused(`${issuerYaml(env, ns)}---\n${accountKey}`, 'spec.secretName', ['Issuer/pebble', 'Certificate/thief']);
    const eab = certificateYaml({ namespace: ns, name: 'eabthief', spec: { secretName: 'pebble-eab' } });
    await refused(`${issuerYaml(env, ns)}---\n${eab}`, 'spec.secretName', ['Certificate/eabthief', 'a Secret applied by a user']);
    const twins = `${certificateYaml({ namespace: ns, name: 'a', spec: { secretName: 'shared' } })}---\n${certificateYaml({ namespace: ns, name: 'b', spec: { secretName: 'shared' } })}`;
    await refused(twins, 'spec.secretName', ['Certificate/a', 'Certificate/b']);
    assert.deepEqual(await workflowsIn(ns), []);
    assert.deepEqual(await secretsIn(ns), []);
    assert.equal(await new FileSecretStore(path.join(env.config.dataDir, 'secrets')).owner(ns, 'shared'), undefined, 'no claim is left behind');
  });

  test("collisions across requests: a second Certificate, a Certificate on an account key, a user Secret over a Certificate's; re-apply is fine; delete releases", async () => {
    const ns = 'collide-two';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'first', spec: { secretName: 'site-tls' } })}`), [
      'created',
      'created',
      'created',
    ]);
    await refused(certificateYaml({ namespace: ns, name: 'second', spec: { secretName: 'site-tls' } }), 'spec.secretName', ['Certificate/first', 'Certificate/second']);
    await refused(certificateYaml({ namespace: ns, name: 'keythief', spec: { secretName: 'pebble-account-key' } }), 'spec.secretName', ['Issuer/pebble', 'Certificate/keythief']);
    await refused(secretYaml(ns, 'site-tls'), 'metadata.name', ['Certificate/first', 'a Secret applied by a user']);
    assert.ok(!(await workflowsIn(ns)).some((id) => id.includes('second') || id.includes('keythief')), 'no workflow for a refused Certificate');

    await waitRevision(env, ns, 'first', 1);
    const crt = await fs.readFile(path.join(secretDir(env, ns, 'site-tls'), 'tls.crt'), 'utf8');
    assert.match(crt, /BEGIN CERTIFICATE/, 'the refused user Secret did not overwrite the certificate');
    assert.deepEqual(await applyResults(env, certificateYaml({ namespace: ns, name: 'first', spec: { secretName: 'site-tls' } })), ['unchanged'], 're-applying the owner is fine');

    const res = await deleteCertificate(env, ns, 'first');
    assert.equal(res.status, 200, await res.text());
    await waitFor(
      'the deleted Certificate released site-tls',
      async () => {
        const r = await env.apply(certificateYaml({ namespace: ns, name: 'second', spec: { secretName: 'site-tls' } }));
        return r.status === 200 ? true : undefined;
      },
      60_000,
      500,
    );
    await waitRevision(env, ns, 'second', 1);
  });

  test('two concurrent requests for one secretName: exactly one wins', async () => {
    const ns = 'collide-race';
    assert.deepEqual(await applyResults(env, issuerYaml(env, ns)), ['created', 'created']);
    for (let i = 0; i < 5; i++) {
      const codes = await Promise.all(
        ['x', 'y', 'z'].map(async (n) => (await env.apply(certificateYaml({ namespace: ns, name: `${n}${i}`, spec: { secretName: `race-${i}` } }))).status),
      );
      assert.deepEqual(codes.filter((c) => c === 200).length, 1, `round ${i}: ${codes.join(',')}`);
      assert.deepEqual(codes.filter((c) => c === 422).length, 2, `round ${i}: ${codes.join(',')}`);
    }
  });

  test('a Secret taken by another owner: the Certificate says SecretOwnedByOther and orders nothing until it is released', async () => {
    const ns = 'taken';
    const store = new FileSecretStore(path.join(env.config.dataDir, 'secrets'));
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'web' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'web', 1);
    // As if another process had taken the Secret behind the API's back.
    assert.equal(await store.release(ns, 'web-tls', 'Certificate/web'), true);
    assert.deepEqual(await store.claim(ns, 'web-tls', 'Certificate/intruder'), { ok: true, created: true });
    // The next resync notices; a renew then changes nothing.
    const cert = await waitFor(
      'Ready SecretOwnedByOther',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return condition(c, 'Ready')?.reason === 'SecretOwnedByOther' ? c : undefined;
      },
      30_000,
      200,
    );
    assert.equal(condition(cert, 'Ready')?.status, 'False');
    assert.match(condition(cert, 'Ready')!.message, /Certificate\/intruder/);
    await renew(env, ns, 'web');
    await new Promise((r) => setTimeout(r, 3_000)); // more than one resync period
    const after = await getCertificate(env, ns, 'web');
    assert.equal(after?.status.revision, 1);
    assert.equal(condition(after, 'Issuing')?.reason, 'SecretOwnedByOther');
    assert.equal((await listOrders(env, ns)).length, 1, 'no new order');

    await store.release(ns, 'web-tls', 'Certificate/intruder');
    await renew(env, ns, 'web');
    await waitRevision(env, ns, 'web', 2);
  });

  test('a reader of tls.crt and tls.key never sees a mismatched pair during 20 renewals', async () => {
    const ns = 'reader';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'web' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'web', 1);
    const dir = secretDir(env, ns, 'web-tls');
    const stats = { consistent: 0, straddled: 0, naiveMismatches: 0, keys: new Set<string>() };
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        // What a careful reader does: note the version, read both files through the paths
        // nginx is given, and trust the pair only if the version did not move meanwhile.
        const version = await fs.readlink(path.join(dir, '..data'));
        let crt: Buffer;
        let key: Buffer;
        try {
          [crt, key] = [await fs.readFile(path.join(dir, 'tls.crt')), await fs.readFile(path.join(dir, 'tls.key'))];
        } catch {
          stats.straddled++;
          continue;
        }
        const matches = leafOf(crt.toString()).publicKey.export({ type: 'spki', format: 'pem' }) === createPublicKey(key).export({ type: 'spki', format: 'pem' });
        if ((await fs.readlink(path.join(dir, '..data'))) !== version) {
          stats.straddled++;
          if (!matches) stats.naiveMismatches++;
          continue;
        }
        assert.ok(matches, `tls.crt and tls.key of version ${version} do not match`);
        stats.consistent++;
        stats.keys.add(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
      }
    })();
    try {
      for (let revision = 2; revision <= 21; revision++) {
        await renew(env, ns, 'web');
        await waitRevision(env, ns, 'web', revision, 60_000);
      }
    } finally {
      stop = true;
      await reader;
    }
    console.log(
      `reader: ${stats.consistent} consistent reads, ${stats.straddled} straddled a switch (${stats.naiveMismatches} of those mismatched), ${stats.keys.size} distinct keys seen`,
    );
    assert.ok(stats.consistent > 100, `${stats.consistent} reads`);
    assert.ok(stats.keys.size >= 10, `the reader saw the renewals happen: ${stats.keys.size} keys`);
  });

  test('a failing store keeps the issued certificate: the status says so, and once the obstacle is gone the same certificate lands', async () => {
    const ns = 'store-fail';
    assert.deepEqual(await applyResults(env, issuerYaml(env, ns)), ['created', 'created']);
    const dir = secretDir(env, ns, 'web-tls');
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.writeFile(dir, 'a file where the Secret directory must go');
    assert.deepEqual(await applyResults(env, certificateYaml({ namespace: ns, name: 'web' })), ['created']);

    const failing = await waitFor(
      'Issuing shows the storing failure',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return /storing the issued certificate failed: .*; retrying/.test(condition(c, 'Issuing')?.message ?? '') ? c : undefined;
      },
      90_000,
      200,
    );
    assert.equal(condition(failing, 'Issuing')?.status, 'True');
    assert.notEqual(condition(failing, 'Ready')?.status, 'True');

    await fs.rm(dir);
    const cert = await waitRevision(env, ns, 'web', 1, 60_000);
    assert.equal(cert.status.revision, 1);
    const stored = leafOf(await fs.readFile(path.join(dir, 'tls.crt'), 'utf8'));
    const ordered = await requestLeaf(env, ns, 'web', 1);
    assert.equal(stored.serialNumber, ordered.serialNumber, 'the certificate the Order returned is the one stored');
    assert.equal((await listOrders(env, ns)).length, 1, 'one order, no second one');
    const requests = (await (await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`)).json()) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      requests.items.map((r) => r.metadata.name),
      ['web-1'],
    );
    assert.ok(new X509Certificate(await fs.readFile(path.join(dir, 'tls.crt'))).checkPrivateKey(createPrivateKey(await fs.readFile(path.join(dir, 'tls.key')))));
  });
});
