// Re-applying manifests as kubectl would: the same manifests change nothing, a spec change bumps
// the generation and re-issues, a metadata-only change does not; key rotation policy and the
// CertificateRequest revision history, all against real Temporal and real Pebble.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Annotation, Label } from '../resources/annotations.ts';
import { startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';
import {
  applyResults,
  certificateYaml,
  condition,
  deleteCertificate,
  issuerYaml,
  listItems,
  mustGetCertificate,
  readLeaf,
  renew,
  requestNames,
  secretAnnotations,
  secretDir,
  sleep,
  waitRevision,
} from './support/lifecycle-helpers.ts';

describe('re-applying manifests, key rotation and revision history', () => {
  let env: TestEnv;
  const ns = 'lifecycle';
  before(async () => {
    env = await startTestEnv();
    assert.deepEqual(await applyResults(env, issuerYaml(env, ns)), ['created', 'created']);
  });
  after(async () => env?.stop());

  test('the same manifests applied again are all unchanged: revision and generation stay 1', async () => {
    const yaml = `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'same' })}`;
    assert.deepEqual(await applyResults(env, yaml), ['unchanged', 'unchanged', 'created']);
    await waitReady(env, ns, 'same');
    assert.deepEqual(await applyResults(env, yaml), ['unchanged', 'unchanged', 'unchanged']);
    await sleep(2_000);
    const cert = await mustGetCertificate(env, ns, 'same');
    assert.equal(cert.metadata.generation, 1);
    assert.equal(cert.status.revision, 1);
    assert.equal(cert.status.currentRequest, undefined);
  });

  test('a spec change re-issues at a new generation; a label change does not; a usages change does', async () => {
    const name = 'change';
    const base = { namespace: ns, name };
    assert.deepEqual(await applyResults(env, certificateYaml(base)), ['created']);
    await waitRevision(env, ns, name, 1);

    // Add a DNS name: generation 2, revision 2, both names in the new certificate.
    const names = ['change.example.test', 'www.change.example.test'];
    assert.deepEqual(await applyResults(env, certificateYaml({ ...base, dnsNames: names })), ['configured']);
    let cert = await waitRevision(env, ns, name, 2);
    assert.equal(cert.metadata.generation, 2);
    assert.equal(cert.status.revision, 2);
    assert.equal(condition(cert, 'Ready')?.observedGeneration, 2);
    const san = (await readLeaf(env, ns, `${name}-tls`)).subjectAltName ?? '';
    for (const n of names) assert.match(san, new RegExp(`DNS:${n.replaceAll('.', '\\.')}(,|$)`));

    // Labels only: configured, same generation, no issuance.
    const labelled = { ...base, dnsNames: names, labels: { team: 'payments' } };
    assert.deepEqual(await applyResults(env, certificateYaml(labelled)), ['configured']);
    await sleep(4_000);
    cert = await mustGetCertificate(env, ns, name);
    assert.equal(cert.metadata.generation, 2);
    assert.deepEqual(cert.metadata.labels, { team: 'payments' });
    assert.equal(cert.status.revision, 2, 'a label change must not re-issue');
    assert.equal(cert.status.currentRequest, undefined);

    // Usages shape the certificate: recorded in the issued-request annotation, so a change re-issues.
    const before = JSON.parse((await secretAnnotations(env, ns, `${name}-tls`))[Annotation.IssuedRequest]!) as { usages: string[] };
    assert.ok(!before.usages.includes('server auth'));
    const usages = ['digital signature', 'key encipherment', 'server auth'];
    assert.deepEqual(await applyResults(env, certificateYaml({ ...labelled, spec: { usages } })), ['configured']);
    cert = await waitRevision(env, ns, name, 3);
    assert.equal(cert.status.revision, 3);
    assert.equal(cert.metadata.generation, 3);
    const recorded = JSON.parse((await secretAnnotations(env, ns, `${name}-tls`))[Annotation.IssuedRequest]!) as { usages: string[] };
    assert.deepEqual(recorded.usages, [...usages].sort());
  });

  test('rotationPolicy Never keeps the private key across a renewal; Always makes a new one', async () => {
    await Promise.all(
      (['Never', 'Always'] as const).map(async (policy) => {
        const name = `rotate-${policy.toLowerCase()}`;
        const yaml = certificateYaml({ namespace: ns, name, spec: { privateKey: { rotationPolicy: policy } } });
        assert.deepEqual(await applyResults(env, yaml), ['created']);
        await waitRevision(env, ns, name, 1);
        const keyFile = path.join(secretDir(env, ns, `${name}-tls`), 'tls.key');
        const key1 = await fs.readFile(keyFile);
        const serial1 = (await readLeaf(env, ns, `${name}-tls`)).serialNumber;
        await renew(env, ns, name);
        await waitRevision(env, ns, name, 2);
        const key2 = await fs.readFile(keyFile);
        const leaf2 = await readLeaf(env, ns, `${name}-tls`);
        assert.notEqual(leaf2.serialNumber, serial1, `${policy}: a new certificate`);
        if (policy === 'Never') assert.ok(key2.equals(key1), 'Never: tls.key is byte-identical');
        else assert.ok(!key2.equals(key1), 'Always: a new tls.key');
        assert.ok(leaf2.checkPrivateKey(createPrivateKey(key2)));
      }),
    );
  });

  test('only the last revisionHistoryLimit requests are kept (1 by default, 2 when asked), with their Orders and Challenges; none once the Certificate is deleted', async () => {
    const kept = await Promise.all(
      (
        [
          ['history-default', undefined],
          ['history-two', 2],
        ] as const
      ).map(async ([name, limit]) => {
        const yaml = certificateYaml({ namespace: ns, name, spec: limit ? { revisionHistoryLimit: limit } : {} });
        assert.deepEqual(await applyResults(env, yaml), ['created']);
        await waitRevision(env, ns, name, 1);
        for (const revision of [2, 3]) {
          await renew(env, ns, name);
          await waitRevision(env, ns, name, revision);
        }
        const expected = limit === 2 ? [`${name}-2`, `${name}-3`] : [`${name}-3`];
        // Older requests are deleted once a newer one issued; Temporal carries the deletion out
        // asynchronously (seconds on the dev server, which saves its queue's ack level every 5 s).
        const requests = await waitFor(
          `${name}: requests ${expected.join(', ')}`,
          async () => {
            const names = await requestNames(env, ns, name);
            // Throws rather than returning undefined, so a timeout says what was listed last.
            assert.deepEqual(names, expected);
            return names;
          },
          90_000,
          500,
        );
        return { name, requests };
      }),
    );
    // Every listed Order belongs to a kept request and every Challenge to a listed Order.
    const keptRequests = kept.flatMap((k) => k.requests).sort();
    await waitFor(
      'Orders and Challenges of kept requests only',
      async () => {
        const orders = (await listItems(env, ns, 'orders')).filter((o) => o.metadata.name.startsWith('history-'));
        const challenges = (await listItems(env, ns, 'challenges')).filter((c) => c.metadata.name.startsWith('history-'));
        assert.deepEqual([...new Set(orders.map((o) => o.metadata.labels?.[Label.CertificateRequestName]))].sort(), keptRequests);
        // Pebble may reuse a valid authorization, so a renewal's Order can have no Challenge.
        const orderNames = new Set(orders.map((o) => o.metadata.name));
        for (const c of challenges) assert.ok(orderNames.has(c.metadata.labels?.[Label.OrderName] ?? ''), `Challenge ${c.metadata.name} of an Order not listed`);
        return true;
      },
      90_000,
      500,
    );

    for (const { name } of kept) assert.equal((await deleteCertificate(env, ns, name)).status, 200);
    await waitFor(
      "the deleted Certificates' requests, Orders and Challenges to go",
      async () => {
        const left = await Promise.all(
          ['certificaterequests', 'orders', 'challenges'].map(async (plural) => (await listItems(env, ns, plural)).filter((o) => o.metadata.name.startsWith('history-'))),
        );
        return left.every((l) => l.length === 0) ? true : undefined;
      },
      90_000,
      200,
    );
  });
});
