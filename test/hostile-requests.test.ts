// Hostile requests against a token-protected API: each gets its 4xx Status quickly, the event loop
// keeps answering /healthz meanwhile, and nothing is started or written.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { startTestEnv, type TestEnv } from './support/env.ts';

const certificate = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, ...metadata },
    spec: { secretName: `${name}-tls`, issuerRef: { name: 'pebble' }, dnsNames: [`${name}.example.test`], ...spec },
  });
const issuer = (acme: Record<string, unknown>) =>
  stringify({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name: 'pebble' },
    spec: { acme: { server: 'https://127.0.0.1:1/dir', privateKeySecretRef: { name: 'acct' }, solvers: [{ http01: { ingress: {} } }], ...acme } },
  });
const secret = (name: string) => stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { secret: 'c2VjcmV0' } });

const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (const [i, k] of [...'bcdefghi'].entries()) lol.push(`${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`);
const billionLaughs = lol.join('\n');

type Auth = 'api' | 'secrets' | 'none' | 'wrong';
interface Case {
  name: string;
  method?: string;
  path?: string;
  auth?: Auth;
  contentType?: string | null;
  headers?: Record<string, string>;
  body?: string | (() => ReadableStream<Uint8Array>);
  status: number;
  reason?: string;
  field?: string;
  message?: RegExp;
  /** Time bound for the answer; 500 ms unless said. */
  maxMs?: number;
}

const MiB = 1024 * 1024;
const chunked = (bytes: number) => () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let sent = 0; sent < bytes; sent += 64 * 1024) controller.enqueue(new TextEncoder().encode('#'.repeat(64 * 1024)));
      controller.close();
    },
  });

const cases: Case[] = [
  { name: 'no token', body: secret('s'), auth: 'none', status: 401, reason: 'Unauthorized' },
  { name: 'wrong token', body: secret('s'), auth: 'wrong', status: 401, reason: 'Unauthorized' },
  { name: 'API_TOKEN on the secrets endpoint', method: 'GET', path: '/api/v1/namespaces/default/secrets/s', status: 403, reason: 'Forbidden', message: /API_SECRETS_TOKEN/ },
  { name: 'secrets token applying manifests', body: secret('s'), auth: 'secrets', status: 403, reason: 'Forbidden' },
  { name: 'text/plain body (a CORS-simple request)', body: secret('s'), contentType: 'text/plain', status: 415, reason: 'UnsupportedMediaType' },
  { name: 'form-encoded body', body: secret('s'), contentType: 'application/x-www-form-urlencoded', status: 415, reason: 'UnsupportedMediaType' },
  { name: 'missing content type', body: secret('s'), contentType: null, status: 415, reason: 'UnsupportedMediaType' },
  { name: 'cross-site Origin', body: secret('s'), headers: { origin: 'https://evil.example' }, status: 403, reason: 'Forbidden' },
  {
    name: 'Sec-Fetch-Site: cross-site renew',
    method: 'POST',
    path: '/apis/cert-manager.io/v1/namespaces/default/certificates/web/renew',
    headers: { 'sec-fetch-site': 'cross-site' },
    status: 403,
    reason: 'Forbidden',
  },
  {
    name: 'cross-site DELETE',
    method: 'DELETE',
    path: '/apis/cert-manager.io/v1/namespaces/default/certificates/web',
    headers: { origin: 'null' },
    status: 403,
    reason: 'Forbidden',
  },
  { name: '2 MiB body (Content-Length)', body: `# ${'x'.repeat(2 * MiB)}\n${secret('s')}`, status: 413, reason: 'RequestEntityTooLarge', message: /API_MAX_BODY_BYTES/ },
  { name: '2 MiB body (chunked, no Content-Length)', body: chunked(2 * MiB), status: 413, reason: 'RequestEntityTooLarge' },
  { name: '1,001 documents', body: Array.from({ length: 1001 }, (_, i) => secret(`s${i}`)).join('---\n'), status: 413, message: /API_MAX_DOCUMENTS/ },
  { name: '2,000 Certificates', body: Array.from({ length: 2000 }, (_, i) => certificate(`c${i}`)).join('---\n'), status: 413, message: /at most 1000/ },
  { name: 'YAML alias bomb (billion laughs)', body: billionLaughs, status: 400, reason: 'BadRequest', message: /alias/i },
  { name: 'JSON nested 5,000 deep', body: '['.repeat(5000) + ']'.repeat(5000), contentType: 'application/json', status: 400, message: /nested more than/ },
  { name: 'YAML flow nested 5,000 deep', body: `a: ${'['.repeat(5000)}${']'.repeat(5000)}`, status: 400, message: /nested more than/ },
  { name: 'YAML block sequences nested 5,000 deep', body: `${'- '.repeat(5000)}x`, status: 400, message: /nested more than/ },
  { name: '60,000-character e-mail', body: issuer({ email: `a@${'a.'.repeat(30_000)}@` }), status: 422, field: 'spec.acme.email' },
  { name: '60,000-character e-mail SAN', body: certificate('web', { emailAddresses: [`a@${'a.'.repeat(30_000)}@`] }), status: 422, field: 'spec.emailAddresses[0]' },
  {
    name: '101 dnsNames',
    body: certificate('web', { dnsNames: Array.from({ length: 101 }, (_, i) => `n${i}.example.test`) }),
    status: 422,
    field: 'spec.dnsNames',
    message: /at most 100/,
  },
  { name: '300-character name', body: certificate('a'.repeat(300)), status: 422, field: 'metadata.name', message: /253/ },
  { name: 'huge annotation', body: certificate('web', {}, { annotations: { note: 'x'.repeat(300 * 1024) } }), status: 422, field: 'metadata.annotations', message: /262144/ },
  { name: '64-character label value', body: certificate('web', {}, { labels: { team: 'x'.repeat(64) } }), status: 422, field: 'metadata.labels.team' },
  {
    // Within the body limit, but yaml's duplicate-key check is quadratic (minutes for this): the
    // parse runs off the event loop and is cut at its deadline.
    name: '90,000 YAML keys in one map',
    body: Array.from({ length: 90_000 }, (_, i) => `k${i}: v`).join('\n'),
    status: 413,
    message: /took longer than 2 s/,
    maxMs: 3_000,
  },
];

describe('hostile requests', () => {
  let env: TestEnv;
  before(async () => {
    // No worker: nothing here may need one, and a started workflow would show in the list below.
    env = await startTestEnv({ stack: { worker: false } });
  });
  after(async () => env?.stop());

  const bearer = (auth: Auth) => ({ api: `Bearer ${env.config.api.apiToken}`, secrets: `Bearer ${env.config.api.apiSecretsToken}`, wrong: 'Bearer not-the-token', none: '' })[auth];

  async function send(c: Case): Promise<Response> {
    const headers: Record<string, string> = { ...c.headers };
    const auth = bearer(c.auth ?? 'api');
    if (auth) headers.authorization = auth;
    if (c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/yaml';
    // A Uint8Array body carries no content type of its own (a string would add text/plain).
    const body = typeof c.body === 'function' ? c.body() : c.body === undefined ? undefined : new TextEncoder().encode(c.body);
    const url = `http://127.0.0.1:${env.config.port}${c.path ?? '/v1/manifests'}`;
    return fetch(url, { method: c.method ?? 'POST', headers, body, ...(typeof c.body === 'function' && { duplex: 'half' }) } as RequestInit);
  }

  test('every hostile request gets its Status quickly while /healthz keeps answering', async () => {
    const slowestHealth = { ms: 0, at: '' };
    let current = 'warm-up';
    let polling = true;
    const poller = (async () => {
      let polls = 0;
      while (polling) {
        const t = performance.now();
        const res = await fetch(`http://127.0.0.1:${env.config.port}/healthz`);
        await res.arrayBuffer();
        const ms = performance.now() - t;
        if (ms > slowestHealth.ms) Object.assign(slowestHealth, { ms, at: current });
        polls++;
        await new Promise((r) => setTimeout(r, 5));
      }
      return polls;
    })();
    const results: string[] = [];
    for (const c of cases) {
      current = c.name;
      const t = performance.now();
      const res = await send(c).catch((err) => {
        throw new Error(`${c.name}: ${err.message}: ${err.cause?.message ?? ''}`);
      });
      const status = (await res.json()) as { kind: string; reason: string; message: string; details?: { causes?: { field: string; message: string }[] } };
      const ms = performance.now() - t;
      results.push(`${c.name}: ${res.status} in ${ms.toFixed(0)} ms`);
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(status).slice(0, 300)}`);
      assert.equal(status.kind, 'Status', c.name);
      if (c.reason) assert.equal(status.reason, c.reason, c.name);
      if (c.field) {
        const cause = status.details?.causes?.find((x) => x.field === c.field);
        assert.ok(cause, `${c.name}: no cause on ${c.field}: ${JSON.stringify(status.details?.causes)?.slice(0, 300)}`);
        if (c.message) assert.match(cause.message, c.message, c.name);
      } else if (c.message) assert.match(status.message, c.message, c.name);
      assert.ok(ms < (c.maxMs ?? 500), `${c.name} took ${ms.toFixed(0)} ms`);
    }
    polling = false;
    const polls = await poller;
    console.log(`${results.join('\n')}\n/healthz: ${polls} polls, slowest ${slowestHealth.ms.toFixed(0)} ms (during "${slowestHealth.at}")`);
    assert.ok(polls > 50, `only ${polls} health polls`);
    assert.ok(slowestHealth.ms < 100, `/healthz took ${slowestHealth.ms.toFixed(0)} ms during "${slowestHealth.at}"`);
  });

  test('nothing was started or written', async () => {
    const started: string[] = [];
    for await (const wf of env.client.workflow.list()) started.push(wf.workflowId);
    assert.deepEqual(started, []);
    const secrets = await fs.readdir(path.join(env.config.dataDir, 'secrets')).catch(() => []);
    assert.deepEqual(secrets, []);
  });

  test("the secrets token reads a Secret's data; API_TOKEN and no token do not", async () => {
    const applied = await env.apply(stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'eab', namespace: 'team-a' }, stringData: { secret: 'hmac-key' } }));
    assert.equal(applied.status, 200, await applied.clone().text());
    const url = '/api/v1/namespaces/team-a/secrets/eab';
    const read = await env.api(url); // env.api sends API_SECRETS_TOKEN here
    assert.equal(read.status, 200);
    const body = (await read.json()) as { data: Record<string, string> };
    assert.equal(Buffer.from(body.data.secret!, 'base64').toString(), 'hmac-key');
    const withApiToken = await env.api(url, { headers: { authorization: bearer('api') } });
    assert.equal(withApiToken.status, 403);
    const forbidden = (await withApiToken.json()) as { reason: string; message: string };
    assert.equal(forbidden.reason, 'Forbidden');
    assert.match(forbidden.message, /API_SECRETS_TOKEN/);
    assert.equal((await env.api(url, { headers: { authorization: 'Bearer nope' } })).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${env.config.port}${url}`)).status, 401);
  });
});
