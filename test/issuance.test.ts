// The brief's user flow against real Temporal and real Pebble: two manifests in, a valid
// certificate and key on disk, and every step visible as a workflow.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedManifests, startTestEnv, waitReady, type TestEnv } from './support/env.ts';

describe('ACME issuance end to end', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => env?.stop());

  test('seed Issuer (EAB) and Certificate end Ready with a matching key pair that chains to Pebble root', async () => {
    const res = await env.apply(seedManifests(env, { namespace: 'team-a' }));
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { items: { kind: string; result: string }[] };
    assert.deepEqual(body.items.map((i) => `${i.kind}:${i.result}`), ['Secret:created', 'Issuer:created', 'Certificate:created']);

    const cert = await waitReady(env, 'team-a', 'web');
    assert.equal(cert.status.revision, 1);

    const dir = path.join(env.config.dataDir, 'secrets', 'team-a', 'web-tls');
    const chainPem = await fs.readFile(path.join(dir, 'tls.crt'), 'utf8');
    const keyPem = await fs.readFile(path.join(dir, 'tls.key'));
    const chain = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/).map((p) => new X509Certificate(p));
    assert.ok(chain[0]!.checkPrivateKey(createPrivateKey(keyPem)), 'tls.key matches tls.crt');
    assert.match(chain[0]!.subjectAltName ?? '', /DNS:web\.example\.test/);
    const root = new X509Certificate(await env.pebble.rootPem());
    const all = [...chain, root];
    for (let i = 0; i < chain.length; i++) assert.ok(all[i]!.verify(all[i + 1]!.publicKey), `certificate ${i} is signed by the next`);
    assert.equal((await fs.stat(path.join(dir, 'tls.key'))).mode & 0o777, 0o600);
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
  });
});
