// Self-healing without polling, against real Temporal and real Pebble: with the default resync
// (10 h) a Secret deleted or tampered with by hand, or given up through the API, is issued again
// within seconds, because the worker watches the secret store and signals the Certificate. The
// worker's own writes wake nobody.
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { FileSecretStore } from '../platform/secret-store.ts';
import { certificateWorkflowId } from '../resources/ids.ts';
import { startTestEnv, waitFor, type TestEnv } from './support/env.ts';
import { signalsReceived } from './support/history.ts';
import { applyResults, certificateYaml, condition, getCertificate, issuerYaml, readLeaf, secretDir, waitRevision } from './support/lifecycle-helpers.ts';

/** Far below any resync: only the watch can have woken the Certificate this fast. */
const HEAL_MS = 30_000;

describe('Secret changes wake their Certificate (default resync)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => env?.stop());

  test('the resync is the default 10 h', () => {
    assert.equal(env.config.certificates.resyncMs, 10 * 60 * 60_000);
    assert.equal(env.config.secretWatch, true);
  });

  test('a Secret directory deleted by hand, then a foreign tls.key, are each issued again within seconds', async () => {
    const ns = 'watched';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'heal' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'heal', 1);
    const dir = secretDir(env, ns, 'heal-tls');

    let started = Date.now();
    await fs.rm(dir, { recursive: true, force: true });
    await waitRevision(env, ns, 'heal', 2, HEAL_MS);
    const deletedHealedMs = Date.now() - started;
    assert.ok((await readLeaf(env, ns, 'heal-tls')).checkPrivateKey(createPrivateKey(await fs.readFile(path.join(dir, 'tls.key')))));

    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' });
    started = Date.now();
    await fs.writeFile(path.join(dir, 'tls.key'), foreign);
    await waitRevision(env, ns, 'heal', 3, HEAL_MS);
    const foreignHealedMs = Date.now() - started;
    const key = await fs.readFile(path.join(dir, 'tls.key'), 'utf8');
    assert.notEqual(key, foreign, 'the foreign key was replaced');
    assert.ok((await readLeaf(env, ns, 'heal-tls')).checkPrivateKey(createPrivateKey(key)), 'tls.key matches tls.crt again');
    console.log(`healed: deleted Secret in ${deletedHealedMs} ms, foreign key in ${foreignHealedMs} ms`);
  });

  test('a Secret nobody owns any more (data and owner record deleted by hand) is found through CertManagerSecretName', async () => {
    const ns = 'unowned';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'web', spec: { secretName: 'shared-name' } })}`), [
      'created',
      'created',
      'created',
    ]);
    await waitRevision(env, ns, 'web', 1);
    await fs.rm(path.join(env.config.dataDir, 'secrets', ns, '..owners', 'shared-name'));
    await fs.rm(secretDir(env, ns, 'shared-name'), { recursive: true });
    await waitRevision(env, ns, 'web', 2, HEAL_MS);
    assert.ok(await fs.stat(path.join(secretDir(env, ns, 'shared-name'), 'tls.crt')));
  });

  test('a Secret a user takes over through the API: its Certificate says so at once, and issues again as soon as it is given back', async () => {
    const ns = 'takeover';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'site' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'site', 1);
    // The API refuses to write a Certificate's Secret; as another process would, hand it to the user first.
    const store = new FileSecretStore(path.join(env.config.dataDir, 'secrets'));
    assert.equal(await store.release(ns, 'site-tls', 'Certificate/site'), true);
    assert.deepEqual(await store.claim(ns, 'site-tls', 'applied'), { ok: true, created: true });

    const userSecret = stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'site-tls', namespace: ns },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'mine', 'tls.key': 'mine' },
    });
    let started = Date.now();
    assert.deepEqual(await applyResults(env, userSecret), ['configured']);
    await waitFor(
      'site: Ready SecretOwnedByOther',
      async () => {
        const c = await getCertificate(env, ns, 'site');
        return condition(c, 'Ready')?.reason === 'SecretOwnedByOther' ? c : undefined;
      },
      HEAL_MS,
      200,
    );
    const noticedMs = Date.now() - started;

    started = Date.now();
    assert.equal(await store.release(ns, 'site-tls', 'applied'), true);
    const cert = await waitRevision(env, ns, 'site', 2, HEAL_MS);
    console.log(`user's Secret noticed in ${noticedMs} ms; given back and issued in ${Date.now() - started} ms`);
    assert.equal(condition(cert, 'Ready')?.status, 'True');
    assert.equal(await store.owner(ns, 'site-tls'), 'Certificate/site');
    assert.match((await readLeaf(env, ns, 'site-tls')).subjectAltName ?? '', /site\.example\.test/);
  });

  test("the worker's own writes wake nobody: an issued Certificate got no secretChanged signal", async () => {
    const ns = 'quiet';
    assert.deepEqual(await applyResults(env, `${issuerYaml(env, ns)}---\n${certificateYaml({ namespace: ns, name: 'calm' })}`), ['created', 'created', 'created']);
    await waitRevision(env, ns, 'calm', 1);
    await new Promise((r) => setTimeout(r, 3_000)); // past the watch's debounce and any signal in flight
    assert.deepEqual(await signalsReceived(env.client, certificateWorkflowId(ns, 'calm')), []);

    await fs.rm(secretDir(env, ns, 'calm-tls'), { recursive: true });
    await waitRevision(env, ns, 'calm', 2, HEAL_MS);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(await signalsReceived(env.client, certificateWorkflowId(ns, 'calm')), ['secretChanged'], 'one signal: for the deletion, none for the re-issue');
  });
});
