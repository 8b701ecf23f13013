// Recovery when the CA forgets the issuer's account: Pebble restarted with its state gone (as
// when a staging CA resets), a replaced account key Secret, an Issuer fixed by re-applying it.
// The Issuer registers again and its Certificates issue at once, not after the 1-hour failure
// backoff. Real Temporal, real Pebble.
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as acmeClient from 'acme-client';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { AcmeHttp } from '../activities/acme-http.ts';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';
import {
  applyResults,
  condition,
  getCertificate,
  mustGetCertificate,
  readLeaf,
  renew,
  requestRunStarts,
  sleep,
  waitRevision,
  type Condition,
} from './support/lifecycle-helpers.ts';

// Revision 1's request stays listed after revision 2, so the test can count every request run.
const KEEP_REQUESTS = { revisionHistoryLimit: 2 };

interface IssuerJson {
  metadata: { generation?: number };
  status: { conditions: Condition[]; acme?: { uri?: string; lastPrivateKeyHash?: string } };
}

async function getIssuer(env: TestEnv, ns: string, name = 'pebble'): Promise<IssuerJson> {
  const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/issuers/${name}`);
  assert.equal(res.status, 200, `GET issuer ${ns}/${name}: ${res.status}`);
  return (await res.json()) as IssuerJson;
}

const issuerReady = (issuer: IssuerJson) => issuer.status.conditions.find((c) => c.type === 'Ready');

async function waitIssuer(env: TestEnv, ns: string, what: string, ok: (i: IssuerJson) => boolean, timeoutMs = 30_000): Promise<IssuerJson> {
  return waitFor(
    `Issuer ${ns}/pebble ${what}`,
    async () => {
      const issuer = await getIssuer(env, ns);
      return ok(issuer) ? issuer : undefined;
    },
    timeoutMs,
    100,
  );
}

/** A new RSA account key as a Secret manifest that replaces the Issuer's account key Secret. */
function accountKeySecretYaml(ns: string): string {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  return stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pebble-account-key', namespace: ns }, stringData: { 'tls.key': key } });
}

/** Deactivates the Issuer's account at the CA, as its owner could (RFC 8555 section 7.3.6). */
async function deactivateAccount(env: TestEnv, ns: string, accountUrl: string): Promise<void> {
  const accountKey = await fs.readFile(path.join(env.config.dataDir, 'secrets', ns, 'pebble-account-key', 'tls.key'));
  // The worker's TLS trust for Pebble (its listener CA), which acme-client's requests go through.
  const http = new AcmeHttp(env.config.outbound);
  const client = new acmeClient.Client({ directoryUrl: env.pebble.directoryUrl, accountKey, accountUrl });
  const trust = { server: env.pebble.directoryUrl, caBundle: Buffer.from(env.pebble.tlsCaPem).toString('base64') };
  const account = await http.run(trust, () => client.updateAccount({ status: 'deactivated' }));
  assert.equal(account.status, 'deactivated');
}

/** The leaf was issued by the Pebble running now (its roots are new after every start). */
async function issuedByCurrentPebble(env: TestEnv, ns: string, secretName: string): Promise<boolean> {
  const intermediate = new X509Certificate(await env.pebble.intermediatePem());
  return (await readLeaf(env, ns, secretName)).verify(intermediate.publicKey);
}

describe('a CA that forgets the account (default account re-check period: 24 h)', () => {
  let env: TestEnv;
  before(async () => {
    // Default issuance backoff (1 h): a failure counted against the Certificate would show.
    env = await startTestEnv();
  });
  after(async () => env?.stop());

  test('after a CA reset, a renewal re-registers the account and issues within 30 s, without backoff', async (t) => {
    const ns = 'reset';
    assert.deepEqual(await applyResults(env, seedManifests(env, { namespace: ns, certificateSpec: KEEP_REQUESTS })), ['created', 'created', 'created']);
    await waitReady(env, ns, 'web');
    const before = await getIssuer(env, ns);
    const oldUri = before.status.acme?.uri;
    assert.ok(oldUri, 'the issuer has an account URL');
    assert.equal(issuerReady(before)?.reason, 'ACMEAccountRegistered');

    await env.pebble.restart();
    assert.equal(await issuedByCurrentPebble(env, ns, 'web-tls'), false, 'the restarted Pebble has new roots');
    assert.equal(issuerReady(await getIssuer(env, ns))?.status, 'True', 'nothing tells the issuer yet');

    const renewedAt = Date.now();
    await renew(env, ns, 'web');
    const cert = await waitRevision(env, ns, 'web', 2, 30_000);
    const tookMs = Date.now() - renewedAt;
    t.diagnostic(`Ready at revision 2 ${tookMs} ms after the renew`);
    assert.equal(cert.status.revision, 2);
    assert.equal(cert.status.failedIssuanceAttempts, undefined, 'the refused attempt was not counted as a failure');
    assert.equal(cert.status.lastFailureTime, undefined);
    assert.equal(condition(cert, 'Ready')?.status, 'True');
    assert.ok(await issuedByCurrentPebble(env, ns, 'web-tls'), 'the new certificate comes from the restarted CA');

    const issuer = await getIssuer(env, ns);
    const ready = issuerReady(issuer)!;
    assert.equal(ready.status, 'True');
    assert.equal(ready.reason, 'ACMEAccountReregistered');
    assert.match(ready.message, /accountDoesNotExist/);
    assert.ok(issuer.status.acme?.uri, 'a new account URL');
    assert.notEqual(issuer.status.acme!.uri, oldUri);
    assert.equal(issuer.status.acme!.lastPrivateKeyHash, before.status.acme?.lastPrivateKeyHash, 'same account key');

    // Revision 2 took two CertificateRequest runs: the refused one and the one right after.
    const runs = await requestRunStarts(env, ns, 'web');
    assert.equal(runs.length, 3, `request runs: ${runs.length}`);
    assert.ok(runs[2]! - runs[1]! < 20_000, `the retry followed ${runs[2]! - runs[1]!} ms after the refused attempt`);
  });

  test('a replaced account key Secret: the next issuance registers the new key and issues without backoff', async () => {
    const ns = 'rekey';
    assert.deepEqual(await applyResults(env, seedManifests(env, { namespace: ns })), ['created', 'created', 'created']);
    await waitReady(env, ns, 'web');
    const before = await getIssuer(env, ns);

    assert.deepEqual(await applyResults(env, accountKeySecretYaml(ns)), ['configured']);

    await renew(env, ns, 'web');
    const cert = await waitRevision(env, ns, 'web', 2, 30_000);
    assert.equal(cert.status.failedIssuanceAttempts, undefined);
    const issuer = await getIssuer(env, ns);
    assert.equal(issuerReady(issuer)?.reason, 'ACMEAccountReregistered');
    assert.match(issuerReady(issuer)!.message, /was replaced/);
    assert.notEqual(issuer.status.acme?.uri, before.status.acme?.uri);
    assert.notEqual(issuer.status.acme?.lastPrivateKeyHash, before.status.acme?.lastPrivateKeyHash);
  });

  test('a deactivated account: the Issuer says so, the Certificate waits without backoff; a new key and a re-apply recover', async (t) => {
    const ns = 'deactivated';
    assert.deepEqual(await applyResults(env, seedManifests(env, { namespace: ns })), ['created', 'created', 'created']);
    await waitReady(env, ns, 'web');
    const before = await getIssuer(env, ns);
    await deactivateAccount(env, ns, before.status.acme!.uri!);

    // newOrder answers 403 unauthorized; the same key cannot register again at this CA.
    await renew(env, ns, 'web');
    const stuck = await waitIssuer(env, ns, 'failing to register the deactivated key again', (i) => issuerReady(i)?.reason === 'ErrRegisterACMEAccount');
    assert.equal(issuerReady(stuck)?.status, 'False');
    assert.match(issuerReady(stuck)!.message, /deactivated/);
    const waiting = await waitFor(
      'the Certificate waiting for its Issuer',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return condition(c, 'Issuing')?.reason === 'IssuerNotReady' ? c : undefined;
      },
      20_000,
      200,
    );
    assert.match(condition(waiting, 'Issuing')!.message, /deactivated/);
    assert.equal(waiting.status.failedIssuanceAttempts, undefined, 'no backoff for the account refusal');
    assert.equal(condition(waiting, 'Ready')?.status, 'True', 'the stored certificate still serves');

    const fixedAt = Date.now();
    assert.deepEqual(await applyResults(env, `${accountKeySecretYaml(ns)}---\n${seedManifests(env, { namespace: ns }).split('---\n')[1]}`), ['configured', 'unchanged']);
    const ready = await waitIssuer(env, ns, 'registered with the new key', (i) => issuerReady(i)?.status === 'True', 10_000);
    t.diagnostic(`Issuer Ready ${Date.now() - fixedAt} ms after the re-apply`);
    assert.equal(issuerReady(ready)?.reason, 'ACMEAccountReregistered');
    assert.notEqual(ready.status.acme?.uri, before.status.acme?.uri);
    const cert = await waitRevision(env, ns, 'web', 2, 75_000);
    t.diagnostic(`Certificate Ready at revision 2 ${Date.now() - fixedAt} ms after the re-apply`);
    assert.equal(cert.status.failedIssuanceAttempts, undefined);
  });

  test('re-applying an unchanged Issuer that is not Ready registers again at once', async (t) => {
    const ns = 'late-eab';
    const [eabSecret, issuerDoc] = seedManifests(env, { namespace: ns }).split('---\n');
    assert.deepEqual(await applyResults(env, issuerDoc!), ['created']);
    const failing = await waitIssuer(env, ns, 'not Ready for lack of its EAB Secret', (i) => issuerReady(i)?.status === 'False');
    assert.equal(issuerReady(failing)?.reason, 'ErrRegisterACMEAccount');
    assert.match(issuerReady(failing)!.message, /external account binding Secret late-eab\/pebble-eab/);
    // Retries come 5 s, then 10 s apart: after 8 s the next one is ~7 s away.
    await sleep(8_000);
    assert.equal(issuerReady(await getIssuer(env, ns))?.status, 'False');

    const appliedAt = Date.now();
    assert.deepEqual(await applyResults(env, `${eabSecret}---\n${issuerDoc}`), ['created', 'unchanged']);
    const ready = await waitIssuer(env, ns, 'Ready', (i) => issuerReady(i)?.status === 'True', 20_000);
    const tookMs = Date.now() - appliedAt;
    t.diagnostic(`Ready ${tookMs} ms after the re-apply`);
    assert.ok(tookMs < 4_000, `Ready ${tookMs} ms after the re-apply`);
    assert.equal(issuerReady(ready)?.reason, 'ACMEAccountRegistered');
    assert.equal(ready.metadata.generation, 1, 'the spec did not change');
  });
});

describe('periodic account checks (ACME_ACCOUNT_RECHECK_PERIOD=3s)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ config: { ACME_ACCOUNT_RECHECK_PERIOD: '3s' } });
  });
  after(async () => env?.stop());

  test('a working account stays Ready; after a CA reset the Issuer registers again by itself', async (t) => {
    const ns = 'periodic';
    assert.deepEqual(await applyResults(env, seedManifests(env, { namespace: ns, certificateSpec: KEEP_REQUESTS })), ['created', 'created', 'created']);
    await waitReady(env, ns, 'web');
    const first = await getIssuer(env, ns);
    await sleep(7_000); // two checks or more
    const checked = await getIssuer(env, ns);
    assert.equal(issuerReady(checked)?.status, 'True');
    assert.equal(issuerReady(checked)?.reason, 'ACMEAccountRegistered', 'a check that finds the account changes nothing');
    assert.equal(issuerReady(checked)?.lastTransitionTime, issuerReady(first)?.lastTransitionTime);
    assert.equal(checked.status.acme?.uri, first.status.acme?.uri);

    const restartedAt = Date.now();
    await env.pebble.restart();
    const again = await waitIssuer(env, ns, 're-registered', (i) => issuerReady(i)?.reason === 'ACMEAccountReregistered' && issuerReady(i)?.status === 'True', 20_000);
    t.diagnostic(`re-registered ${Date.now() - restartedAt} ms after the CA reset`);
    assert.notEqual(again.status.acme?.uri, first.status.acme?.uri);
    assert.ok(isStillReady(await mustGetCertificate(env, ns, 'web')), 'the certificate was not touched');

    await renew(env, ns, 'web');
    const cert = await waitRevision(env, ns, 'web', 2, 30_000);
    assert.equal(cert.status.failedIssuanceAttempts, undefined);
    assert.equal((await requestRunStarts(env, ns, 'web')).length, 2, 'no refused attempt: the issuer was ready first');
  });
});

const isStillReady = (cert: Awaited<ReturnType<typeof mustGetCertificate>>) => condition(cert, 'Ready')?.status === 'True' && cert.status.revision === 1;
