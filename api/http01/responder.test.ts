// The responder serves exactly what the worker presented, and nothing else.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Http01Store } from '../../platform/http01-store.ts';
import { http01App } from './responder.ts';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'responder-'));
const store = new Http01Store(dir);
const app = http01App(store);
after(() => fs.rm(dir, { recursive: true, force: true }));

test('a presented token is served as text/plain, then gone after clean-up', async () => {
  await store.present('tok_en-1', 'tok_en-1.thumbprint');
  const res = await app.request('/.well-known/acme-challenge/tok_en-1');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'tok_en-1.thumbprint');
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  await store.cleanup('tok_en-1');
  assert.equal((await app.request('/.well-known/acme-challenge/tok_en-1')).status, 404);
});

for (const p of ['/.well-known/acme-challenge/unknown', '/.well-known/acme-challenge/..%2Fsecrets', '/', '/v1/manifests']) {
  test(`${p} is a 404`, async () => {
    assert.equal((await app.request(p)).status, 404);
  });
}

test('only GET: a POST to a presented token is a 404', async () => {
  await store.present('tok-post', 'tok-post.thumbprint');
  assert.equal((await app.request('/.well-known/acme-challenge/tok-post', { method: 'POST', body: 'x' })).status, 404);
  assert.equal((await app.request('/api/v1/namespaces/default/secrets/x')).status, 404);
  await store.cleanup('tok-post');
});
