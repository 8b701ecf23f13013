// The Secret routes against a real file store behind a real listener: lists with selectors, the
// scope of a reader token, and a watch stream that reports writes at once and ends when the API stops.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../platform/config.ts';
import { Http01Store } from '../../platform/http01-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort } from '../../platform/ports.ts';
import { FileSecretStore } from '../../platform/secret-store.ts';
import { openStores, type Stores } from '../../platform/stores.ts';
import { startPostgres, type TestPostgres } from '../../test/support/postgres.ts';
import { startApi, type RunningApi } from '../server.ts';
import { startSecretsApi } from '../../test/support/secrets-api.ts';

const b = (s: string) => Buffer.from(s);

describe('Secret lists, scopes and watches', () => {
  let dir: string;
  let api: RunningApi;
  let store: FileSecretStore;
  let base: string;
  const get = (p: string, token: string) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
  const names = async (p: string, token: string) => {
    const res = await get(p, token);
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { items: { metadata: { namespace: string; name: string } }[] }).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
  };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-routes-'));
    const readers = path.join(dir, 'readers.yaml');
    await fs.writeFile(
      readers,
      '- name: web-1\n  token: reader-t\n  rules:\n    - namespace: team-a\n      names: [web-tls]\n    - namespace: team-b\n      labelSelector: app=web\n',
    );
    store = new FileSecretStore(path.join(dir, 'secrets'));
    await store.write('team-a', 'web-tls', { 'tls.crt': b('a-crt'), 'tls.key': b('a-key') }, { type: 'kubernetes.io/tls' });
    await store.write('team-a', 'db-tls', { 'tls.crt': b('db') }, { type: 'kubernetes.io/tls' });
    await store.write('team-b', 'site', { 'tls.crt': b('b') }, { type: 'kubernetes.io/tls', labels: { app: 'web' } });
    await store.write('team-b', 'other', { 'tls.crt': b('o') }, { type: 'kubernetes.io/tls', labels: { app: 'db' } });
    ({ api, url: base } = await startSecretsApi(dir, store, readers));
  });
  after(async () => {
    await api?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const lists: Array<[string, string, string, string[] | number]> = [
    ['full reader, all', '/api/v1/secrets', 'sec-t', ['team-a/db-tls', 'team-a/web-tls', 'team-b/other', 'team-b/site']],
    ['full reader, one namespace', '/api/v1/namespaces/team-b/secrets', 'sec-t', ['team-b/other', 'team-b/site']],
    ['label selector', '/api/v1/secrets?labelSelector=app%3Dweb', 'sec-t', ['team-b/site']],
    ['field selector name', '/api/v1/namespaces/team-a/secrets?fieldSelector=metadata.name%3Dweb-tls', 'sec-t', ['team-a/web-tls']],
    ['field selector namespace', '/api/v1/secrets?fieldSelector=metadata.namespace%3Dteam-a', 'sec-t', ['team-a/db-tls', 'team-a/web-tls']],
    ['reader, all: filtered to its scope', '/api/v1/secrets', 'reader-t', ['team-a/web-tls', 'team-b/site']],
    ['reader, its namespace', '/api/v1/namespaces/team-a/secrets', 'reader-t', ['team-a/web-tls']],
    ['reader, another namespace', '/api/v1/namespaces/team-c/secrets', 'reader-t', 403],
    ['API_TOKEN', '/api/v1/secrets', 'api-t', 403],
    ['bad field selector', '/api/v1/secrets?fieldSelector=type%3Dx', 'sec-t', 400],
    ['bad label selector', '/api/v1/secrets?labelSelector=a%20in%20(b', 'sec-t', 400],
    ['bad namespace', '/api/v1/namespaces/Bad_NS/secrets', 'sec-t', 400],
  ];
  for (const [what, p, token, expected] of lists) {
    test(`list: ${what}`, async () => {
      if (typeof expected === 'number') assert.equal((await get(p, token)).status, expected);
      else assert.deepEqual(await names(p, token), expected);
    });
  }

  const items: Array<[string, string, number]> = [
    ['team-a/web-tls', 'reader-t', 200],
    ['team-a/db-tls', 'reader-t', 403],
    ['team-b/site', 'reader-t', 200],
    ['team-b/other', 'reader-t', 403],
    ['team-b/missing', 'reader-t', 404],
    ['team-a/db-tls', 'sec-t', 200],
  ];
  for (const [ref, token, status] of items) {
    test(`GET ${ref} with ${token} is ${status}`, async () => {
      const [ns, name] = ref.split('/');
      const res = await get(`/api/v1/namespaces/${ns}/secrets/${name}`, token);
      assert.equal(res.status, status);
      if (status === 403) assert.match(((await res.json()) as { message: string }).message, /secret reader "web-1"/);
    });
  }

  test('watch: initial ADDED, the initial-events-end bookmark, then a write as MODIFIED, a label change out of scope as DELETED; an owner-only change sends nothing', async () => {
    const res = await get('/api/v1/secrets?watch=true', 'reader-t');
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const lines: { type: string; object: { metadata: { name?: string; annotations?: Record<string, string> }; data?: Record<string, string> } }[] = [];
    let buf = '';
    const next = async () => {
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          const line = JSON.parse(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          lines.push(line);
          return line;
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buf += Buffer.from(value).toString();
      }
    };
    assert.deepEqual([(await next()).type, (await next()).type], ['ADDED', 'ADDED']);
    assert.deepEqual(
      lines.map((l) => l.object.metadata.name),
      ['web-tls', 'site'],
    );
    const end = await next();
    assert.equal(end.type, 'BOOKMARK');
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');

    const started = Date.now();
    await store.write('team-a', 'db-tls', { 'tls.crt': b('db2') }); // out of scope: nothing
    await store.claim('team-a', 'web-tls', 'Certificate/web'); // no data change
    await store.write('team-a', 'web-tls', { 'tls.crt': b('a-crt2'), 'tls.key': b('a-key2') });
    const modified = await next();
    assert.equal(modified.type, 'MODIFIED');
    assert.equal(modified.object.metadata.name, 'web-tls');
    assert.equal(Buffer.from(modified.object.data!['tls.crt']!, 'base64').toString(), 'a-crt2');
    assert.ok(Date.now() - started < 3_000, 'reported within the watch debounce');

    await store.write('team-b', 'site', { 'tls.crt': b('b') }, { type: 'kubernetes.io/tls', labels: { app: 'moved' } });
    const deleted = await next();
    assert.deepEqual([deleted.type, deleted.object.metadata.name], ['DELETED', 'site']);

    // Stopping the API ends the stream (rather than keeping stop() waiting).
    await api.stop();
    let ended = false;
    for (let i = 0; i < 5 && !ended; i++) ended = (await next().catch(() => undefined)) === undefined;
    assert.ok(ended);
  });
});

describe('a Secret watch on the PostgreSQL store', () => {
  let pg: TestPostgres;
  let opened: Stores[] = [];
  let api: RunningApi;
  let dir: string;
  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('watch');
    const stores = { kind: 'postgres' as const, databaseUrl: url, encryptionKey: Buffer.alloc(32, 9), oldEncryptionKeys: [] };
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-routes-pg-'));
    // Two instances: the API's, and a worker's on another host.
    opened = await Promise.all([openStores({ dataDir: dir, stores }), openStores({ dataDir: dir, stores })]);
    await opened[1]!.secrets.write('team-a', 'web-tls', { 'tls.crt': b('v1') }, { type: 'kubernetes.io/tls' });
    const config = loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', PORT: String(await freePort()), HTTP01_PORT: '0', API_TOKEN: 'api-t', API_SECRETS_TOKEN: 'sec-t' });
    api = await startApi({ client: {} as Client, secrets: opened[0]!.secrets, http01: new Http01Store(dir), config, log: createLogger('silent') });
  });
  after(async () => {
    await api?.stop();
    await Promise.all(opened.map((s) => s.close()));
    await pg?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("another instance's write reaches the watcher at once (LISTEN/NOTIFY)", async () => {
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/namespaces/team-a/secrets?watch=true`, { headers: { authorization: 'Bearer sec-t' } });
    const lines = lineReader(res.body!);
    assert.equal((await lines.next()).type, 'ADDED');
    assert.equal((await lines.next()).type, 'BOOKMARK');
    const started = Date.now();
    await opened[1]!.secrets.write('team-a', 'web-tls', { 'tls.crt': b('v2') });
    const modified = await lines.next();
    assert.equal(modified.type, 'MODIFIED');
    assert.equal(Buffer.from(modified.object.data!['tls.crt']!, 'base64').toString(), 'v2');
    assert.ok(Date.now() - started < 2_000);
    await lines.cancel();
  });
});

interface Line {
  type: string;
  object: { metadata: { name?: string; annotations?: Record<string, string> }; data?: Record<string, string> };
}

function lineReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  let buf = '';
  return {
    async next(): Promise<Line> {
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          const line = JSON.parse(buf.slice(0, nl)) as Line;
          buf = buf.slice(nl + 1);
          return line;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buf += Buffer.from(value).toString();
      }
    },
    cancel: () => reader.cancel(),
  };
}
