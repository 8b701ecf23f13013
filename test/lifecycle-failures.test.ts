// When things go wrong: a Secret that is deleted or tampered with heals itself at the next
// resync, a deleted Issuer stops renewals until it is back, a name the CA refuses backs off
// 2 s, 4 s, 8 s, 8 s (test-sized bounds), and a challenge the CA cannot reach fails with its
// ACME problem. Real Temporal, real Pebble.
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../platform/ports.ts';
import { startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import {
  applyResults,
  certificateYaml,
  condition,
  getCertificate,
  isReady,
  issuerYaml,
  mustGetCertificate,
  readLeaf,
  renew,
  requestRunStarts,
  secretDir,
  sleep,
  waitRevision,
  type CertificateJson,
} from './support/lifecycle-helpers.ts';

describe('self-healing, issuer deletion and failure backoff', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      pebble: { domainBlocklist: ['blocked.example.test'] },
      config: { CERTIFICATE_RESYNC_PERIOD: '2s', ISSUANCE_BACKOFF_MIN: '2s', ISSUANCE_BACKOFF_MAX: '8s' },
    });
  });
  after(async () => env?.stop());

  test('a deleted Secret and a foreign tls.key are each re-issued at the next resync', async () => {
    const ns = 'healing';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'heal' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'heal', 1);
    const dir = secretDir(env, ns, 'heal-tls');

    await fs.rm(dir, { recursive: true, force: true });
    await waitRevision(env, ns, 'heal', 2, 20_000);
    assert.ok((await readLeaf(env, ns, 'heal-tls')).checkPrivateKey(createPrivateKey(await fs.readFile(path.join(dir, 'tls.key')))));

    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' });
    await fs.writeFile(path.join(dir, 'tls.key'), foreign);
    const cert = await waitRevision(env, ns, 'heal', 3, 20_000);
    assert.equal(cert.status.revision, 3);
    const key = await fs.readFile(path.join(dir, 'tls.key'), 'utf8');
    assert.notEqual(key, foreign, 'the foreign key was replaced');
    assert.ok((await readLeaf(env, ns, 'heal-tls')).checkPrivateKey(createPrivateKey(key)), 'tls.key matches tls.crt again');
  });

  test('a deleted Issuer: still Ready, a renewal waits with IssuerNotFound, the Issuer back issues it', async () => {
    const ns = 'orphans';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'orphan' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'orphan', 1);

    const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/issuers/pebble`, { method: 'DELETE' });
    assert.equal(res.status, 200, await res.text());
    assert.equal((await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/issuers/pebble`)).status, 404);
    await sleep(3_000); // more than one resync period
    let cert = await mustGetCertificate(env, ns, 'orphan');
    assert.ok(isReady(cert), 'the certificate stays Ready without its Issuer');
    assert.equal(cert.status.revision, 1);

    await renew(env, ns, 'orphan');
    cert = await waitFor(
      'Issuing IssuerNotFound',
      async () => {
        const c = await getCertificate(env, ns, 'orphan');
        return condition(c, 'Issuing')?.reason === 'IssuerNotFound' ? c : undefined;
      },
      20_000,
      200,
    );
    assert.equal(condition(cert, 'Issuing')?.status, 'False');
    assert.match(condition(cert, 'Issuing')!.message, /Issuer orphans\/pebble/);
    assert.equal(cert.status.revision, 1);

    assert.deepEqual(await applyResults(env, issuerYaml(env, ns)), ['unchanged', 'created']);
    cert = await waitRevision(env, ns, 'orphan', 2, 60_000);
    assert.equal(cert.status.revision, 2);
    assert.equal(condition(cert, 'Issuing'), undefined);
  });

  test('a refused name backs off 2 s, 4 s, 8 s, 8 s; a fixed spec issues at once and clears the failures', async (t) => {
    const ns = 'failing';
    const name = 'refused';
    const blocked = certificateYaml({ namespace: ns, name, dnsNames: ['blocked.example.test'] });
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${blocked}`), ['created', 'created', 'created']);

    const seen: CertificateJson[] = [];
    await waitFor(
      'five failed attempts',
      async () => {
        const c = await getCertificate(env, ns, name);
        const n = c?.status.failedIssuanceAttempts;
        if (n !== undefined && n !== seen.at(-1)?.status.failedIssuanceAttempts) seen.push(c!);
        return (n ?? 0) >= 5 ? true : undefined;
      },
      60_000,
      100,
    );
    assert.deepEqual(
      seen.map((c) => c.status.failedIssuanceAttempts),
      [1, 2, 3, 4, 5],
    );
    for (const c of seen) {
      assert.ok(c.status.lastFailureTime, 'lastFailureTime is set');
      assert.notEqual(condition(c, 'Ready')?.status, 'True');
      const issuing = condition(c, 'Issuing');
      assert.equal(issuing?.status, 'False');
      assert.match(issuing!.message, /rejectedIdentifier/);
      assert.match(issuing!.message, /creating ACME order/);
    }
    const failureTimes = seen.map((c) => Date.parse(c.status.lastFailureTime!));
    for (let i = 1; i < failureTimes.length; i++) assert.ok(failureTimes[i]! >= failureTimes[i - 1]!, 'lastFailureTime moves forward');

    // One CertificateRequest run per attempt; the gaps between their starts are the backoff.
    const starts = await waitFor(
      'five request runs in visibility',
      async () => {
        const s = await requestRunStarts(env, ns, name);
        return s.length >= 5 ? s : undefined;
      },
      10_000,
      200,
    );
    const gaps = starts.slice(1, 5).map((s, i) => (s - starts[i]!) / 1000);
    t.diagnostic(`gaps between attempts: ${gaps.map((g) => g.toFixed(2)).join(', ')} s`);
    [2, 4, 8, 8].forEach((want, i) => {
      assert.ok(gaps[i]! >= want - 1.2 && gaps[i]! <= want + 3, `gap ${i + 1} is ~${want} s: gaps ${gaps.map((g) => g.toFixed(1)).join(', ')}`);
    });

    // Fixing the spec issues now, not after the remaining ~8 s of backoff.
    const fixedAt = Date.now();
    assert.deepEqual(await applyResults(env, certificateYaml({ namespace: ns, name, dnsNames: ['allowed.example.test'] })), ['configured']);
    const cert = await waitRevision(env, ns, name, 1, 30_000);
    const tookMs = Date.now() - fixedAt;
    const lastStart = (await requestRunStarts(env, ns, name)).at(-1)!;
    assert.ok(lastStart - fixedAt < 2_000, `the fixed spec was requested ${lastStart - fixedAt} ms after the apply`);
    assert.ok(tookMs < 7_000, `Ready ${tookMs} ms after the fix`);
    assert.equal(cert.status.failedIssuanceAttempts, undefined);
    assert.equal(cert.status.lastFailureTime, undefined);
    assert.equal(condition(cert, 'Ready')?.status, 'True');
    assert.equal(condition(cert, 'Ready')?.observedGeneration, 2);
    assert.match((await readLeaf(env, ns, `${name}-tls`)).subjectAltName ?? '', /DNS:allowed\.example\.test/);
  });
});

describe('a challenge the CA cannot reach', () => {
  let env: TestEnv;
  before(async () => {
    // Pebble validates HTTP-01 against a port nobody serves; the service's self check uses its own.
    env = await startTestEnv({ pebble: { httpPort: await freePort() } });
  });
  after(async () => env?.stop());

  test('the Certificate is not Ready and says which challenge failed, with the ACME problem', async () => {
    const ns = 'unreachable';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'web' })}`), ['created', 'created', 'created']);
    const cert = await waitFor(
      'a failed issuance',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return c?.status.failedIssuanceAttempts ? c : undefined;
      },
      60_000,
      200,
    );
    assert.notEqual(condition(cert, 'Ready')?.status, 'True');
    assert.equal(cert.status.revision, undefined);
    const message = condition(cert, 'Issuing')?.message ?? '';
    assert.match(message, /Challenge for web\.example\.test failed: /);
    assert.match(message, /connection/i);
    assert.equal(cert.status.failedIssuanceAttempts, 1);
  });
});
