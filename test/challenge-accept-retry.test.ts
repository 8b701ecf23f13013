// Accepting an ACME challenge is at-least-once: a worker killed after its accept reached the CA
// but before Temporal recorded it leaves the retry to another worker, which finds the challenge
// already validated. Against real Pebble (which answers a second accept with 400 malformed
// "only status pending"), the retry reports the challenge's status instead of failing it.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities/index.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { AcmeIssuerSpec } from '../resources/types.ts';
import { Http01Store } from '../platform/http01-store.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { startPebble, type Pebble } from './support/pebble.ts';
import { waitFor } from './support/env.ts';

let pebble: Pebble;
let dir: string;
before(async () => {
  // Validates every challenge without fetching it: this test is about the accept, not HTTP-01.
  pebble = await startPebble({ env: { PEBBLE_VA_ALWAYS_VALID: '1' }, retryAfter: { authz: 0, order: 0 } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accept-retry-'));
});
after(async () => {
  await pebble?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('a second accept of a challenge the CA already validated reports "valid" instead of failing', { timeout: 120_000 }, async () => {
  const secrets = new FileSecretStore(path.join(dir, 'secrets'));
  const activities = createActivities({
    secrets,
    nextKeys: new FileSecretStore(path.join(dir, 'next-keys')),
    http01: new Http01Store(dir),
    client: () => {
      throw new Error('no Temporal client in this test');
    },
    clusterResourceNamespace: 'cert-manager',
    selfCheck: { nameservers: [pebble.dnsServer], port: pebble.httpPort },
    outbound: { policy: { deny: [], allow: [] }, acmeHttpTimeoutMs: 15_000, nameservers: [pebble.dnsServer] },
  });
  const spec: AcmeIssuerSpec = {
    server: pebble.directoryUrl,
    caBundle: Buffer.from(pebble.tlsCaPem).toString('base64'),
    privateKeySecretRef: { name: 'account' },
    solvers: [{ http01: { ingress: {} } }],
  } as AcmeIssuerSpec;
  const run = <T>(fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment().run(fn) as Promise<T>;
  const account = await run(() => activities.registerAcmeAccount({ kind: 'Issuer', namespace: 'default', name: 'pebble' }, spec));
  const ctx: AcmeIssuerContext = { issuerKind: 'Issuer', issuerName: 'pebble', secretNamespace: 'default', acme: spec, accountUrl: account.accountUrl };

  const order = await run(() => activities.createAcmeOrder(ctx, [{ type: 'dns', value: 'again.example.test' }]));
  const authzUrl = order.authorizations[0]!;
  const authz = await run(() => activities.getAcmeAuthorization(ctx, authzUrl));
  const challenge = authz.value.challenges.find((c) => c.type === 'http-01')!;

  assert.notEqual(await run(() => activities.acceptAcmeChallenge(ctx, challenge.url)), 'pending');
  await waitFor(
    'the challenge validated',
    async () => ((await run(() => activities.getAcmeAuthorization(ctx, authzUrl))).value.status === 'valid' ? true : undefined),
    30_000,
    100,
  );
  assert.equal(await run(() => activities.acceptAcmeChallenge(ctx, challenge.url)), 'valid', 'the retried accept carries on');
});
