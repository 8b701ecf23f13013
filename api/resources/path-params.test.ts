// Path parameters are checked once, for every verb of every kind, before any handler runs.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../platform/config.ts';
import { Http01Store } from '../../platform/http01-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { FileSecretStore } from '../../platform/secret-store.ts';
import { createApp } from '../app.ts';
import { pathParamError } from './path-params.ts';
import { resourceApp, resourcePaths } from './resource-app.ts';

const long = (n: number) => 'a'.repeat(n);

const errors: [param: string, value: string, refused: RegExp | undefined][] = [
  ['ns', 'team-a', undefined],
  ['ns', '0', undefined],
  ['ns', long(63), undefined],
  ['ns', long(64), /^invalid namespace "a{64}" in the path: must be no more than 63 characters$/],
  ['ns', 'Team-A', /^invalid namespace "Team-A" in the path: a lowercase RFC 1123 label/],
  ['ns', 'a.b', /^invalid namespace "a\.b"/],
  ['ns', 'a/b', /^invalid namespace "a\/b"/],
  ['ns', '-a', /^invalid namespace/],
  ['ns', "a' OR 1=1", /^invalid namespace "a' OR 1=1"/],
  ['name', 'web', undefined],
  ['name', 'web.example.com', undefined],
  ['name', long(253), undefined],
  ['name', long(254), /^invalid name "a{64}\.\.\." in the path: must be no more than 253 characters$/],
  ['name', 'Web', /^invalid name "Web" in the path: a lowercase RFC 1123 subdomain/],
  ['name', 'web..x', /^invalid name/],
  ['name', 'web_1', /^invalid name/],
  ['name', 'a b', /^invalid name "a b"/],
  ['other', 'Anything_At_All', undefined],
];

for (const [param, value, refused] of errors) {
  test(`pathParamError(${param}, ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}...(${value.length})` : value)}): ${refused ? 'refused' : 'accepted'}`, () => {
    const error = pathParamError(param, value);
    if (refused) assert.match(error ?? '', refused);
    else assert.equal(error, undefined);
  });
}

const dir = path.join(os.tmpdir(), 'path-params-test-unused');
const app = createApp({
  // Never reached: every request below is refused before a handler talks to Temporal.
  client: {} as Client,
  secrets: new FileSecretStore(dir),
  http01: new Http01Store(dir),
  config: loadConfig({ API_TOKEN: 't0ken', API_SECRETS_TOKEN: 'k3ys', DATA_DIR: dir }),
  log: createLogger('silent'),
});

const CM = '/apis/cert-manager.io/v1';
const ACME = '/apis/acme.cert-manager.io/v1';
const routes: [method: string, path: (ns: string, name: string) => string][] = [
  ['GET', (ns) => `${CM}/namespaces/${ns}/certificates`],
  ['GET', (ns, n) => `${CM}/namespaces/${ns}/certificates/${n}`],
  ['DELETE', (ns, n) => `${CM}/namespaces/${ns}/certificates/${n}`],
  ['POST', (ns, n) => `${CM}/namespaces/${ns}/certificates/${n}/renew`],
  ['GET', (ns) => `${CM}/namespaces/${ns}/certificaterequests`],
  ['GET', (ns, n) => `${CM}/namespaces/${ns}/certificaterequests/${n}`],
  ['GET', (ns) => `${CM}/namespaces/${ns}/issuers`],
  ['GET', (ns, n) => `${CM}/namespaces/${ns}/issuers/${n}`],
  ['DELETE', (ns, n) => `${CM}/namespaces/${ns}/issuers/${n}`],
  ['GET', (_ns, n) => `${CM}/clusterissuers/${n}`],
  ['DELETE', (_ns, n) => `${CM}/clusterissuers/${n}`],
  ['GET', (ns) => `${ACME}/namespaces/${ns}/orders`],
  ['GET', (ns, n) => `${ACME}/namespaces/${ns}/orders/${n}`],
  ['GET', (ns) => `${ACME}/namespaces/${ns}/challenges`],
  ['GET', (ns, n) => `${ACME}/namespaces/${ns}/challenges/${n}`],
  ['GET', (ns, n) => `/api/v1/namespaces/${ns}/secrets/${n}`],
];

const call = (method: string, url: string) => {
  const token = url.startsWith('/api/v1/') ? 'k3ys' : 't0ken';
  return app.request(url, { method, headers: { authorization: `Bearer ${token}` } });
};

for (const [method, route] of routes) {
  const withNs = route('Bad_NS', 'web') !== route('x', 'web');
  const withName = route('ns', 'Bad_Name') !== route('ns', 'x');
  if (withNs) {
    test(`${method} ${route('{ns}', '{name}')}: a bad namespace is a 400 naming it`, async () => {
      const res = await call(method, route('Bad_NS', 'web'));
      assert.equal(res.status, 400);
      const body = (await res.json()) as { reason: string; message: string };
      assert.equal(body.reason, 'BadRequest');
      assert.match(body.message, /^invalid namespace "Bad_NS" in the path/);
    });
  }
  if (withName) {
    test(`${method} ${route('{ns}', '{name}')}: a bad name is a 400 naming it`, async () => {
      const res = await call(method, route('team-a', 'web%20tls'));
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /^invalid name "web tls" in the path/);
    });
  }
  if (withNs && withName) {
    test(`${method} ${route('{ns}', '{name}')}: the namespace is reported first`, async () => {
      const res = await call(method, route('a%2Fb', 'B'));
      assert.match(((await res.json()) as { message: string }).message, /^invalid namespace "a\/b"/);
    });
  }
}

test('an unknown kind is a 404 NotFound, whatever its parameters', async () => {
  for (const url of [`${CM}/namespaces/team-a/widgets`, `${CM}/namespaces/Bad_NS/widgets/x`, `${CM}/widgets`, `${ACME}/certificates`]) {
    const res = await call('GET', url);
    assert.equal(res.status, 404, url);
    assert.equal(((await res.json()) as { reason: string }).reason, 'NotFound', url);
  }
});

test('a verb a kind does not have is a 404, not a 400 about its parameters', async () => {
  assert.equal((await call('DELETE', `${ACME}/namespaces/team-a/orders/o-1`)).status, 404);
  assert.equal((await call('POST', `${CM}/namespaces/team-a/issuers/x/renew`)).status, 404);
});

test('the Secret token check comes before the path parameters', async () => {
  const res = await app.request('/api/v1/namespaces/Bad_NS/secrets/x', { headers: { authorization: 'Bearer t0ken' } });
  assert.equal(res.status, 403);
});

test('valid parameters reach the handler, decoded, for every verb', async () => {
  const seen: string[] = [];
  const paths = resourcePaths('things', true);
  const things = resourceApp(paths);
  const echo = (c: { req: { method: string; param: (k: string) => string | undefined } }) => {
    seen.push(`${c.req.method} ${c.req.param('ns')}/${c.req.param('name')}`);
    return new Response('ok');
  };
  things.get(paths.collection!, echo).get(paths.item, echo).delete(paths.item, echo).post(`${paths.item}/renew`, echo);
  for (const [method, url] of [
    ['GET', '/namespaces/team-a/things'],
    ['GET', '/namespaces/team-a/things/web.example.com'],
    ['DELETE', '/namespaces/team-a/things/web'],
    ['POST', '/namespaces/team-a/things/web/renew'],
    ['POST', '/namespaces/Team-A/things/web/renew'],
    ['GET', '/namespaces/team-a/things/we%62'],
  ] as const) {
    await things.request(url, { method });
  }
  assert.deepEqual(seen, ['GET team-a/undefined', 'GET team-a/web.example.com', 'DELETE team-a/web', 'POST team-a/web', 'GET team-a/web']);
});
