// What the worker sends to ACME servers, against real Temporal and real Pebble: Issuers aimed at
// link-local or metadata addresses are refused before anything starts; each Issuer keeps its own
// TLS trust even beside another Issuer of the same CA origin; and CAs that accept connections and
// never answer show a timeout in their status without slowing issuance from a healthy CA.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../platform/ports.ts';
import { listenerCert } from './support/pebble.ts';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';
import { applyResults, certificateYaml, condition, mustGetCertificate, sleep } from './support/lifecycle-helpers.ts';

interface IssuerJson {
  status: { conditions?: { type: string; status: string; reason: string; message: string }[] };
}

describe('outbound safety', () => {
  let env: TestEnv;
  const closers: (() => void)[] = [];

  before(async () => {
    env = await startTestEnv({ config: { ACME_HTTP_TIMEOUT: '3s' } });
  });
  after(async () => {
    for (const close of closers) close();
    await env?.stop();
  });

  /** The seed's EAB Secret + Issuer, with spec.acme fields changed (undefined removes one). */
  const issuerDocs = (namespace: string, issuer: string, acme: Record<string, unknown>) => seedManifests(env, { namespace, issuer, acme }).split('---\n').slice(0, 2).join('---\n');

  const issuerReady = async (ns: string, name: string) => {
    const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/issuers/${name}`);
    if (res.status !== 200) return undefined;
    return ((await res.json()) as IssuerJson).status.conditions?.find((c) => c.type === 'Ready');
  };
  const waitIssuer = (ns: string, name: string, status: 'True' | 'False', timeoutMs = 60_000) =>
    waitFor(
      `Issuer ${ns}/${name} Ready=${status}`,
      async () => {
        const c = await issuerReady(ns, name);
        return c?.status === status ? c : undefined;
      },
      timeoutMs,
      200,
    );

  async function expectRefused(yaml: string, message: RegExp): Promise<void> {
    const res = await env.apply(yaml);
    const body = (await res.json()) as { reason: string; message: string; details: { causes: { field: string; message: string }[] } };
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(body.reason, 'Invalid');
    const cause = body.details.causes.find((c) => c.field === 'spec.acme.server');
    assert.ok(cause, `a cause naming spec.acme.server in ${JSON.stringify(body.details.causes)}`);
    assert.match(cause.message, message);
    assert.match(body.message, /spec\.acme\.server/);
  }

  test('Issuers aimed at link-local or metadata addresses get a 422 on spec.acme.server and nothing starts', async () => {
    const ns = 'ssrf';
    // A literal metadata address: refused by the schema.
    await expectRefused(
      seedManifests(env, { namespace: ns, issuer: 'literal', acme: { server: 'http://169.254.169.254/latest/meta-data/' } }),
      /169\.254\.169\.254 is a link-local or cloud metadata address/,
    );
    // A name that resolves to one: refused by the API's DNS check (challtestsrv is the ACME resolver here).
    const added = await fetch(`${env.pebble.challtestsrvUrl}/add-a`, { method: 'POST', body: JSON.stringify({ host: 'metadata-alias.test', addresses: ['169.254.169.254'] }) });
    assert.equal(added.status, 200);
    await expectRefused(
      seedManifests(env, { namespace: ns, issuer: 'by-name', acme: { server: 'http://metadata-alias.test/latest/meta-data/' } }),
      /metadata-alias\.test resolves to 169\.254\.169\.254: 169\.254\.169\.254 is a link-local or cloud metadata address/,
    );
    await expectRefused(seedManifests(env, { namespace: ns, issuer: 'gcp', acme: { server: 'http://metadata.google.internal/computeMetadata/v1/' } }), /metadata endpoint/);

    const ids: string[] = [];
    for await (const wf of env.client.workflow.list()) ids.push(wf.workflowId);
    assert.deepEqual(
      ids.filter((id) => id.includes(`/${ns}/`)),
      [],
      'no workflow started',
    );
    const secrets = await fs.readdir(path.join(env.config.dataDir, 'secrets', ns)).catch(() => [] as string[]);
    assert.deepEqual(secrets, [], 'no Secret of the refused requests was written');
  });

  test('a name whose DNS answer turns into a metadata address after the apply is refused at connect time', async () => {
    const ns = 'rebind';
    // challtestsrv answers 127.0.0.1 for any name: the apply passes; nothing listens on the port yet.
    const server = `https://rebind.test:${await freePort()}/dir`;
    await applyResults(env, issuerDocs(ns, 'ca', { server, caBundle: undefined, skipTLSVerify: true }));
    const first = await waitIssuer(ns, 'ca', 'False');
    assert.match(first.message, /ECONNREFUSED|connect/i, first.message);
    const added = await fetch(`${env.pebble.challtestsrvUrl}/add-a`, { method: 'POST', body: JSON.stringify({ host: 'rebind.test', addresses: ['169.254.169.254'] }) });
    assert.equal(added.status, 200);
    const refused = await waitFor(
      'the next registration attempt to be refused',
      async () => {
        const c = await issuerReady(ns, 'ca');
        return c && /resolves to 169\.254\.169\.254/.test(c.message) ? c : undefined;
      },
      60_000,
      250,
    );
    assert.match(refused.message, /ACME server rebind\.test resolves to 169\.254\.169\.254: 169\.254\.169\.254 is a link-local or cloud metadata address; refused/);
  });

  test('each Issuer keeps its own TLS trust beside another Issuer of the same CA origin', async () => {
    const ns = 'trust';
    const otherCa = Buffer.from((await listenerCert()).caPem).toString('base64');
    // skipTLSVerify first: with one agent per origin it decided the trust of every Issuer after it.
    await applyResults(env, issuerDocs(ns, 'skip', { caBundle: undefined, skipTLSVerify: true }));
    await waitIssuer(ns, 'skip', 'True');

    await applyResults(env, issuerDocs(ns, 'wrong-ca', { caBundle: otherCa }));
    const wrong = await waitIssuer(ns, 'wrong-ca', 'False');
    assert.match(wrong.message, /certificate/i, wrong.message);

    await applyResults(env, issuerDocs(ns, 'right-ca', {}));
    await waitIssuer(ns, 'right-ca', 'True');
    await applyResults(env, certificateYaml({ namespace: ns, name: 'web', issuer: 'right-ca' }));
    await waitReady(env, ns, 'web');

    // Neither the skipTLSVerify nor the good caBundle of the same origin leaks to these.
    await applyResults(env, issuerDocs(ns, 'system-roots', { caBundle: undefined }));
    const system = await waitIssuer(ns, 'system-roots', 'False');
    assert.match(system.message, /certificate/i, system.message);
    await sleep(6_000); // past the wrong-ca Issuer's next retry
    assert.equal((await issuerReady(ns, 'wrong-ca'))?.status, 'False');
    assert.equal((await issuerReady(ns, 'system-roots'))?.status, 'False');

    // A corrected caBundle takes effect at once.
    await applyResults(env, issuerDocs(ns, 'wrong-ca', {}));
    await waitIssuer(ns, 'wrong-ca', 'True');
  });

  test('CAs that never answer: their Issuer shows a timeout, healthy issuance keeps its pace', async () => {
    const ns = 'healthy';
    await applyResults(env, seedManifests(env, { namespace: ns, certificate: 'warm' }));
    await waitReady(env, ns, 'warm');
    const applyToReady = async (name: string) => {
      const t0 = Date.now();
      await applyResults(env, certificateYaml({ namespace: ns, name }));
      await waitReady(env, ns, name, 60_000);
      return Date.now() - t0;
    };
    const baseline: number[] = [];
    for (let i = 0; i < 4; i++) baseline.push(await applyToReady(`base-${i}`));

    const dark = 'dark';
    // 1. A CA that never answered: accepts TCP, reads, never writes (not even the TLS handshake).
    const hole = await blackHole();
    await applyResults(
      env,
      `${issuerDocs(dark, 'hole', { server: hole.url, caBundle: undefined, skipTLSVerify: true })}---\n${certificateYaml({ namespace: dark, name: 'stuck', issuer: 'hole' })}`,
    );
    // 2. A CA that registers accounts, then never answers an order: its Certificates' order calls hang.
    const dimming = await hangingOrders();
    await applyResults(env, issuerDocs(dark, 'dimming', { server: dimming.url, caBundle: undefined, externalAccountBinding: undefined }));
    await waitIssuer(dark, 'dimming', 'True');
    await applyResults(env, Array.from({ length: 8 }, (_, i) => certificateYaml({ namespace: dark, name: `dim-${i}`, issuer: 'dimming' })).join('---\n'));
    await waitFor('calls to hang at both dead CAs', async () => (hole.accepted() > 0 && dimming.held() >= 4 ? true : undefined), 60_000);

    const during: number[] = [];
    const hanging: number[] = [];
    for (let i = 0; i < 4; i++) {
      hanging.push(hole.open() + dimming.held());
      during.push(await applyToReady(`beside-${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `apply->Ready ms, healthy Issuer: alone ${baseline.join(', ')} (median ${median(baseline)}); ` +
        `beside two dead CAs ${during.join(', ')} (median ${median(during)}); calls hanging at each start: ${hanging.join(', ')}; ` +
        `calls at the dead CAs: ${hole.accepted()} connections + ${dimming.orders()} newOrder requests`,
    );
    assert.ok(hanging.filter((n) => n > 0).length >= 3, `calls were hanging while healthy certificates were issued: ${hanging.join(', ')}`);
    assert.ok(median(during) <= median(baseline) + 3_000, `median apply->Ready ${median(during)} ms beside dead CAs vs ${median(baseline)} ms alone`);

    const timeout = /no answer from ACME server https:\/\/127\.0\.0\.1:\d+ within 3s \(ACME_HTTP_TIMEOUT\)/;
    const holeReady = await waitIssuer(dark, 'hole', 'False', 60_000);
    assert.match(holeReady.message, timeout);
    const stuck = await waitFor(
      'the stuck Certificate to say why',
      async () => {
        const c = condition(await mustGetCertificate(env, dark, 'stuck'), 'Issuing');
        return c && timeout.test(c.message) ? c : undefined;
      },
      60_000,
      250,
    );
    assert.equal(stuck.reason, 'IssuerNotReady');
  });

  /** A TCP server on loopback that holds every connection open, reads, and never answers. */
  async function blackHole() {
    const sockets = new Set<net.Socket>();
    let accepted = 0;
    const server = net.createServer((client) => {
      accepted++;
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => {});
      client.on('data', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
    return {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/dir`,
      accepted: () => accepted,
      /** Held connections the client has not given up on yet. */
      open: () => sockets.size,
    };
  }

  /** A plain-HTTP CA that serves its directory, nonces and accounts, and never answers newOrder. */
  async function hangingOrders() {
    const held = new Set<http.ServerResponse>();
    let orders = 0;
    const server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      req.resume();
      const nonce = { 'replay-nonce': `n${Date.now()}${Math.random().toString(36).slice(2)}` };
      if (req.url === '/dir') return void res.end(JSON.stringify({ newNonce: `${base}/nonce`, newAccount: `${base}/account`, newOrder: `${base}/order` }));
      if (req.url === '/nonce') return void res.writeHead(200, nonce).end();
      if (req.url === '/account') {
        res.writeHead(201, { ...nonce, location: `${base}/account/1`, 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ status: 'valid', contact: ['mailto:ops@example.com'] }));
      }
      orders++;
      held.add(res);
      res.on('close', () => held.delete(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dir`,
      orders: () => orders,
      /** newOrder requests the client has not given up on yet. */
      held: () => held.size,
    };
  }
});
