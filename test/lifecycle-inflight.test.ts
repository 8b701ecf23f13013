// Requests that arrive while an issuance is in flight. Pebble sleeps 0-3 s before validating,
// so a presented HTTP-01 response marks "an Order is in flight": a renew then must not start a
// second issuance, and a delete must cancel the Order, clean up and keep (or remove) the Secret.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import {
  applyResults,
  catchInFlight,
  certificateYaml,
  deleteCertificate,
  exists,
  getCertificate,
  isReady,
  issuerYaml,
  mustGetCertificate,
  presented,
  readLeaf,
  renew,
  secretDir,
  sleep,
  waitRevision,
} from './support/lifecycle-helpers.ts';

describe('renew and delete while an issuance is in flight', () => {
  let env: TestEnv;
  const ns = 'inflight';
  before(async () => {
    // No authorization reuse: every issuance presents a challenge, so "in flight" is observable.
    env = await startTestEnv({ pebble: { env: { PEBBLE_VA_NOSLEEP: '0', PEBBLE_VA_SLEEPTIME: '3', PEBBLE_AUTHZREUSE: '0' } } });
    assert.deepEqual(await applyResults(env, issuerYaml(env, ns)), ['created', 'created']);
  });
  after(async () => env?.stop());

  /** Runs `trigger` until an issuance of it is caught with a challenge presented (3 tries). */
  const untilCaught = async (name: string, trigger: () => Promise<void>, onMissed = async () => {}) => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      if ((await catchInFlight(env, ns, name, trigger)) === 'presented') return;
      const revision = (await mustGetCertificate(env, ns, name)).status.revision;
      const challenges: string[] = [];
      for await (const wf of env.client.workflow.list({ query: `CertManagerKind='Challenge'` })) {
        if (wf.workflowId.startsWith(`challenge/${ns}/${name}-${revision}-`)) challenges.push(wf.workflowId);
      }
      console.error(`${name}: issuance ${attempt} (revision ${revision}, challenges: ${challenges.join(', ') || 'none'}) completed before its challenge was seen; trying again`);
      await onMissed();
    }
    assert.fail(`${name}: never caught an issuance in flight`);
  };

  test('renew twice more during a renewal: exactly one new revision', async () => {
    const name = 'renewal';
    assert.deepEqual(await applyResults(env, certificateYaml({ namespace: ns, name })), ['created']);
    await waitRevision(env, ns, name, 1);

    let base = 0;
    let serial = '';
    await untilCaught(name, async () => {
      base = (await mustGetCertificate(env, ns, name)).status.revision!;
      serial = (await readLeaf(env, ns, `${name}-tls`)).serialNumber;
      await renew(env, ns, name);
    });
    await renew(env, ns, name);
    await renew(env, ns, name);
    const inFlight = await mustGetCertificate(env, ns, name);
    assert.equal(inFlight.status.currentRequest, `${name}-${base + 1}`, 'the renewal in flight is the next revision');

    await waitRevision(env, ns, name, base + 1);
    await sleep(10_000);
    const cert = await mustGetCertificate(env, ns, name);
    assert.equal(cert.status.revision, base + 1, 'one renewal, not one per renew call');
    assert.equal(cert.status.currentRequest, undefined);
    assert.ok(isReady(cert));
    assert.notEqual((await readLeaf(env, ns, `${name}-tls`)).serialNumber, serial);
    const ids: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `CertManagerKind='CertificateRequest'` })) ids.push(wf.workflowId);
    assert.ok(!ids.includes(`certificaterequest/${ns}/${name}-${base + 2}`), `no further request in ${ids.join(', ')}`);
  });

  test('delete mid-Order: 200, nothing presented, 404; the Secret is kept unless deleteSecret=true; re-apply works', async () => {
    const name = 'doomed';
    const yaml = certificateYaml({ namespace: ns, name });
    const dir = secretDir(env, ns, `${name}-tls`);
    const deleteNow = async (deleteSecret: boolean) => {
      const res = await deleteCertificate(env, ns, name, deleteSecret);
      assert.equal(res.status, 200, await res.text());
      assert.deepEqual(await presented(env), [], 'no HTTP-01 response left presented after the 200');
      assert.equal(await getCertificate(env, ns, name), undefined, 'GET after delete is 404');
    };

    // 1. First issuance in flight, no Secret yet.
    await untilCaught(
      name,
      async () => assert.deepEqual(await applyResults(env, yaml), ['created']),
      () => deleteNow(true),
    );
    await deleteNow(false);
    assert.equal(await exists(dir), false, 'no Secret was ever written');
    assert.deepEqual(await applyResults(env, yaml), ['created']);
    await waitRevision(env, ns, name, 1);

    // 2. Ready, then a renewal in flight: the Secret that exists stays, untouched.
    let serial = '';
    await untilCaught(name, async () => {
      serial = (await readLeaf(env, ns, `${name}-tls`)).serialNumber;
      await renew(env, ns, name);
    });
    await deleteNow(false);
    assert.equal((await readLeaf(env, ns, `${name}-tls`)).serialNumber, serial, 'the Secret is kept as it was');
    assert.deepEqual(await applyResults(env, yaml), ['created']);
    await waitFor(`${name} Ready again`, async () => (isReady(await getCertificate(env, ns, name)) ? true : undefined), 60_000, 200);
    assert.ok(await exists(path.join(dir, 'tls.crt')));

    // 3. deleteSecret=true during a renewal removes the Secret's directory.
    await untilCaught(name, () => renew(env, ns, name));
    await deleteNow(true);
    assert.equal(await exists(dir), false, 'deleteSecret=true removes the Secret');
  });
});
