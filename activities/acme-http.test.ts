import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import * as acme from 'acme-client';
import { listenerCert } from '../test/support/pebble.ts';
import type { OutboundOptions } from '../platform/config.ts';
import { parseCidrList } from '../resources/outbound-policy.ts';
import { AcmeHttp, trustKey } from './acme-http.ts';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

test('trustKey: one agent per (origin, caBundle, skipTLSVerify)', () => {
  const a = b64('-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n');
  const b = b64('-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n');
  const base = { server: 'https://ca.example:14000/dir' };
  const table: [string, object, object, boolean][] = [
    ['same origin, other path', base, { server: 'https://ca.example:14000/other/directory' }, true],
    ['other port', base, { server: 'https://ca.example:14001/dir' }, false],
    ['other scheme', base, { server: 'http://ca.example:14000/dir' }, false],
    ['other host', base, { server: 'https://ca2.example:14000/dir' }, false],
    ['caBundle vs system roots', base, { ...base, caBundle: a }, false],
    ['two caBundles', { ...base, caBundle: a }, { ...base, caBundle: b }, false],
    ['same caBundle', { ...base, caBundle: a }, { ...base, caBundle: a }, true],
    ['skipTLSVerify vs verify', base, { ...base, skipTLSVerify: true }, false],
    ['skipTLSVerify false = unset', base, { ...base, skipTLSVerify: false }, true],
    ['caBundle with and without skipTLSVerify', { ...base, caBundle: a }, { ...base, caBundle: a, skipTLSVerify: true }, false],
  ];
  const sessions = new AcmeHttp(options());
  for (const [name, x, y, same] of table) {
    const [kx, ky] = [trustKey(x as { server: string }), trustKey(y as { server: string })];
    assert.equal(kx === ky, same, `${name}: ${kx} vs ${ky}`);
    assert.equal(sessions.agentsFor(x as { server: string }) === sessions.agentsFor(y as { server: string }), same, `${name}: agents`);
  }
});

function options(o: { deny?: string; allow?: string; timeoutMs?: number } = {}): OutboundOptions {
  const deny = parseCidrList(o.deny);
  const allow = parseCidrList(o.allow);
  assert.ok(deny.ok && allow.ok);
  return { policy: { deny: deny.cidrs, allow: allow.cidrs }, acmeHttpTimeoutMs: o.timeoutMs ?? 5000, nameservers: [] };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const failureOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as ApplicationFailure & { code?: string };
  }
  assert.fail('expected a failure');
};

describe('ACME requests through AcmeHttp', () => {
  let right: Awaited<ReturnType<typeof listenerCert>>;
  let wrong: Awaited<ReturnType<typeof listenerCert>>;
  let tlsServer: https.Server;
  let plain: http.Server;
  let blackHole: net.Server;
  const sockets: net.Socket[] = [];
  let hits = 0;
  let redirectTargetHits = 0;
  let origin: string;
  let plainOrigin: string;
  let blackHoleUrl: string;

  before(async () => {
    [right, wrong] = await Promise.all([listenerCert(), listenerCert()]);
    tlsServer = https.createServer({ cert: right.certPem, key: right.keyPem }, (_req, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end('{"newNonce":"x"}');
    });
    origin = `https://127.0.0.1:${await listen(tlsServer)}`;
    plain = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/target' }).end();
        return;
      }
      redirectTargetHits++;
      res.end('target');
    });
    plainOrigin = `http://127.0.0.1:${await listen(plain)}`;
    // Accepts connections, reads, never writes: a CA that hangs.
    blackHole = net.createServer((s) => {
      sockets.push(s);
      s.on('data', () => {});
    });
    blackHoleUrl = `https://127.0.0.1:${await listen(blackHole)}/dir`;
  });
  after(() => {
    for (const s of sockets) s.destroy();
    tlsServer.close();
    tlsServer.closeAllConnections();
    plain.close();
    plain.closeAllConnections();
    blackHole.close();
  });

  test('each issuer keeps its own trust for the same origin, even interleaved', async () => {
    const client = new AcmeHttp(options());
    const server = `${origin}/dir`;
    const good = { server, caBundle: b64(right.caPem) };
    const bad = { server, caBundle: b64(wrong.caPem) };
    const skip = { server, skipTLSVerify: true };
    const system = { server };
    const get = (spec: { server: string }) => client.run(spec, () => acme.axios.get(server)).then((r) => r.status);
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled([get(skip), get(bad), get(good), get(system), get(skip), get(bad)]);
      const outcome = results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message));
      assert.equal(outcome[0], 200);
      assert.match(String(outcome[1]), /certificate/, 'a wrong caBundle stays refused after skipTLSVerify worked');
      assert.equal(outcome[2], 200);
      assert.match(String(outcome[3]), /certificate/, "system roots do not inherit another issuer's caBundle");
      assert.equal(outcome[4], 200);
      assert.match(String(outcome[5]), /certificate/);
    }
  });

  test('a changed caBundle takes effect at once', async () => {
    const client = new AcmeHttp(options());
    const server = `${origin}/dir`;
    await assert.rejects(
      client.run({ server, caBundle: b64(wrong.caPem) }, () => acme.axios.get(server)),
      /certificate/,
    );
    assert.equal((await client.run({ server, caBundle: b64(right.caPem) }, () => acme.axios.get(server))).status, 200);
    await assert.rejects(
      client.run({ server, caBundle: b64(wrong.caPem) }, () => acme.axios.get(server)),
      /certificate/,
    );
  });

  test('a request outside an issuer context is refused before it leaves', async () => {
    const before = hits;
    await assert.rejects(acme.axios.get(`${origin}/dir`), /outside an issuer context/);
    assert.equal(hits, before);
  });

  test('link-local and metadata literals are refused without a connection; denied names after DNS', async () => {
    const client = new AcmeHttp(options({ deny: '127.0.0.0/8' }));
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/', 'http://2852039166/']) {
      const err = await failureOf(client.run({ server: url }, () => acme.axios.get(url)));
      assert.ok(err instanceof ApplicationFailure, url);
      assert.equal(err.type, 'OutboundRefused', url);
      assert.equal(err.nonRetryable, true, url);
      assert.match(err.message, /link-local or cloud metadata|metadata endpoint/, url);
    }
    const before = hits;
    const byName = `https://localhost:${new URL(origin).port}/dir`;
    const err = await failureOf(client.run({ server: byName, skipTLSVerify: true }, () => acme.axios.get(byName)));
    assert.equal(err.type, 'OutboundRefused');
    assert.match(err.message, /localhost resolves to 127\.0\.0\.1: 127\.0\.0\.1 is in OUTBOUND_DENY_CIDRS/);
    assert.equal(hits, before, 'no request reached the server');
    // An explicit allow wins over the deny list.
    const allowed = new AcmeHttp(options({ deny: '127.0.0.0/8', allow: '127.0.0.1' }));
    assert.equal((await allowed.run({ server: byName, skipTLSVerify: true }, () => acme.axios.get(byName))).status, 200);
  });

  test('redirects are not followed', async () => {
    const client = new AcmeHttp(options());
    const before = redirectTargetHits;
    // validateStatus null, as acme-client's own HttpClient.request sends it.
    const resp = await client.run({ server: `${plainOrigin}/dir` }, () => acme.axios.get(`${plainOrigin}/redirect`, { validateStatus: null }));
    assert.equal(resp.status, 302);
    assert.equal(redirectTargetHits, before);
  });

  test('once calls to a server hang, new calls to it fail at once with a delayed retry; other servers unaffected', async () => {
    const client = new AcmeHttp(options({ timeoutMs: 3500 }));
    const spec = { server: blackHoleUrl, skipTLSVerify: true };
    const hanging = Array.from({ length: 4 }, () => failureOf(client.run(spec, () => acme.axios.get(blackHoleUrl))));
    await new Promise((r) => setTimeout(r, 2200));
    const started = Date.now();
    const shed = await failureOf(client.run(spec, () => acme.axios.get(blackHoleUrl)));
    assert.ok(Date.now() - started < 200, 'shed without waiting');
    assert.equal(shed.type, 'AcmeServerUnresponsive');
    assert.equal(shed.nonRetryable, false);
    assert.ok(Number(shed.nextRetryDelay) >= 2000, 'the retry waits on a timer (past localRetryThreshold)');
    assert.match(shed.message, /has 4 requests unanswered for over 2s/);
    const healthy = await client.run({ server: `${origin}/dir`, skipTLSVerify: true }, () => acme.axios.get(`${origin}/dir`));
    assert.equal(healthy.status, 200);
    for (const err of await Promise.all(hanging)) assert.equal(err.type, 'AcmeTimeout');
    // Answered (here: timed out) calls no longer count.
    const again = await failureOf(client.run(spec, () => acme.axios.get(blackHoleUrl)));
    assert.equal(again.type, 'AcmeTimeout');
  });

  test('a CA that accepts and never answers ends in a retryable timeout, on time', async () => {
    const client = new AcmeHttp(options({ timeoutMs: 400 }));
    const started = Date.now();
    const err = await failureOf(client.run({ server: blackHoleUrl, skipTLSVerify: true }, () => acme.axios.get(blackHoleUrl)));
    const took = Date.now() - started;
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.type, 'AcmeTimeout');
    assert.equal(err.nonRetryable, false);
    assert.match(err.message, /no answer from ACME server https:\/\/127\.0\.0\.1:\d+ within 0\.4s \(ACME_HTTP_TIMEOUT\)/);
    assert.ok(took >= 350 && took < 2000, `took ${took} ms`);
  });
});
