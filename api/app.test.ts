// The gates in front of every handler: API_TOKEN, API_SECRETS_TOKEN, cross-site refusal, content type, body size.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../platform/config.ts';
import { Http01Store } from '../platform/http01-store.ts';
import { createLogger } from '../platform/logger.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { createApp } from './app.ts';

const dir = path.join(os.tmpdir(), 'app-test-unused');
const app = createApp({
  // Never reached: each request below is answered before anything talks to Temporal.
  client: {} as Client,
  secrets: new FileSecretStore(dir),
  http01: new Http01Store(dir),
  config: loadConfig({ API_TOKEN: 's3cret', API_SECRETS_TOKEN: 'k3ys', API_MAX_BODY_BYTES: '1000', DATA_DIR: dir }),
  log: createLogger('silent'),
});

const cases: {
  name: string;
  method: string;
  path: string;
  auth?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  reason?: string;
}[] = [
  { name: 'health needs no token', method: 'GET', path: '/healthz', status: 200 },
  { name: 'no token', method: 'POST', path: '/v1/manifests', body: 'x', status: 401, reason: 'Unauthorized' },
  { name: 'wrong token', method: 'POST', path: '/v1/manifests', auth: 'Bearer nope', body: 'x', status: 401, reason: 'Unauthorized' },
  { name: 'token without Bearer', method: 'POST', path: '/v1/manifests', auth: 's3cret', body: 'x', status: 401, reason: 'Unauthorized' },
  { name: 'reads need the token too', method: 'GET', path: '/api/v1/namespaces/default/secrets/web-tls', status: 401, reason: 'Unauthorized' },
  { name: 'right token reaches the handler (bad YAML -> 400)', method: 'POST', path: '/v1/manifests', auth: 'Bearer s3cret', body: 'kind: [', status: 400, reason: 'BadRequest' },
  { name: 'unknown route is a 404 Status', method: 'GET', path: '/nope', auth: 'Bearer s3cret', status: 404, reason: 'NotFound' },
  { name: 'API_TOKEN may not read Secrets', method: 'GET', path: '/api/v1/namespaces/default/secrets/web-tls', auth: 'Bearer s3cret', status: 403, reason: 'Forbidden' },
  { name: 'the secrets token may not apply', method: 'POST', path: '/v1/manifests', auth: 'Bearer k3ys', body: 'x', status: 403, reason: 'Forbidden' },
  {
    name: 'the secrets token may not list',
    method: 'GET',
    path: '/apis/cert-manager.io/v1/namespaces/default/certificates',
    auth: 'Bearer k3ys',
    status: 403,
    reason: 'Forbidden',
  },
  {
    name: 'text/plain is refused',
    method: 'POST',
    path: '/v1/manifests',
    auth: 'Bearer s3cret',
    body: 'kind: [',
    contentType: 'text/plain',
    status: 415,
    reason: 'UnsupportedMediaType',
  },
  {
    name: 'a cross-site POST is refused even with the token',
    method: 'POST',
    path: '/v1/manifests',
    auth: 'Bearer s3cret',
    body: 'kind: [',
    headers: { 'sec-fetch-site': 'cross-site' },
    status: 403,
    reason: 'Forbidden',
  },
  { name: 'a body over API_MAX_BODY_BYTES', method: 'POST', path: '/v1/manifests', auth: 'Bearer s3cret', body: '#'.repeat(1001), status: 413, reason: 'RequestEntityTooLarge' },
];

for (const c of cases) {
  test(`gates: ${c.name}`, async () => {
    const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/yaml', ...c.headers };
    if (c.body !== undefined) headers['content-length'] = String(Buffer.byteLength(c.body));
    if (c.auth) headers.authorization = c.auth;
    const res = await app.request(c.path, { method: c.method, headers, body: c.body });
    assert.equal(res.status, c.status);
    if (c.reason) assert.equal(((await res.json()) as { reason: string }).reason, c.reason);
  });
}
