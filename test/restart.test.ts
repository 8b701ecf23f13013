// `npm start` twice: a restart of Temporal (SQLite file) and the service finds every
// certificate where it left it, issues nothing needlessly, and the workflows still answer.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { seedManifests, startTestEnv, waitReady, type TestEnv } from './support/env.ts';

describe('restart of Temporal and the service', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ persistent: true });
  });
  after(async () => env?.stop());

  test('certificates survive a restart without re-issuance, and still renew on request', async () => {
    assert.equal((await env.apply(seedManifests(env))).status, 200);
    await waitReady(env, 'default', 'web');
    const crt = path.join(env.config.dataDir, 'secrets', 'default', 'web-tls', 'tls.crt');
    const serial = new X509Certificate(await fs.readFile(crt)).serialNumber;

    await env.restart();

    const cert = await waitReady(env, 'default', 'web');
    assert.equal(cert.status.revision, 1, 'no re-issuance after restart');
    assert.equal(new X509Certificate(await fs.readFile(crt)).serialNumber, serial);
    const issuer = await env.api('/apis/cert-manager.io/v1/namespaces/default/issuers/pebble');
    assert.equal(issuer.status, 200);

    const res = await env.api('/apis/cert-manager.io/v1/namespaces/default/certificates/web/renew', { method: 'POST' });
    assert.equal(res.status, 202);
    await waitReady(env, 'default', 'web', 60_000, 2);
    assert.notEqual(new X509Certificate(await fs.readFile(crt)).serialNumber, serial);
  });
});
