// The service with SECRET_STORE=postgres against real PostgreSQL, Temporal and Pebble, the API
// and the worker each with a data directory of its own (as on two machines): a Certificate is
// issued (the worker presents the HTTP-01 token, the API answers it, through the database), its
// key pair is in the database, encrypted, and nothing is written under either DATA_DIR.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import os from 'node:os';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { openStores, type Stores } from '../platform/stores.ts';
import { startStack, type Stack } from '../scripts/stack.ts';
import { seedManifests, startTestEnv, waitReady, type TestEnv } from './support/env.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';

describe('SECRET_STORE=postgres end to end', () => {
  let server: TestPostgres;
  let env: TestEnv;
  let stores: Stores;
  let worker: Stack;
  let workerDir: string;
  const ns = 'team-pg';

  before(async () => {
    server = await startPostgres();
    const url = await server.createDatabase('service');
    env = await startTestEnv({ stack: { worker: false }, config: { SECRET_STORE: 'postgres', DATABASE_URL: url, SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    workerDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pg-worker-'));
    const workerConfig = loadConfig({ ...env.env, DATA_DIR: workerDir });
    worker = await startStack(workerConfig, env.temporalAddress, { api: false, log: createLogger('warn', 'worker') });
    stores = await openStores(env.config);
  });
  after(async () => {
    await stores?.close();
    await worker?.stop();
    await env?.stop();
    if (workerDir) await fs.rm(workerDir, { recursive: true, force: true });
    await server?.stop();
  });

  test('a Certificate ends Ready; its key pair is read back from the database and matches; no key in the tables in plaintext', async () => {
    const res = await env.apply(seedManifests(env, { namespace: ns }));
    assert.equal(res.status, 200, await res.clone().text());
    await waitReady(env, ns, 'web', 120_000);

    const secret = await stores.secrets.read(ns, 'web-tls');
    assert.ok(secret, 'the Secret is in the database');
    const leaf = new X509Certificate(secret.data['tls.crt']!.toString().split(/(?=-----BEGIN CERTIFICATE-----)/)[0]!);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(secret.data['tls.key']!)), 'tls.key matches tls.crt');
    assert.equal(await stores.secrets.owner(ns, 'web-tls'), 'Certificate/web');
    const api = await env.api(`/api/v1/namespaces/${ns}/secrets/web-tls`);
    assert.equal(api.status, 200);
    const body = (await api.json()) as { data: Record<string, string> };
    assert.equal(Buffer.from(body.data['tls.key']!, 'base64').toString(), secret.data['tls.key']!.toString(), 'the API reads the same key from the database');

    for (const dir of [env.config.dataDir, workerDir]) {
      for (const sub of ['secrets', 'next-keys', 'http01'])
        assert.equal(
          await fs.stat(path.join(dir, sub)).then(
            () => true,
            () => false,
          ),
          false,
          `nothing under ${dir}/${sub}`,
        );
    }
    const db = new pg.Client({ connectionString: env.env.DATABASE_URL });
    await db.connect();
    try {
      const dump = (
        await db.query<{ t: string }>('SELECT v::text AS t FROM secret_values v UNION ALL SELECT o::text FROM secret_objects o UNION ALL SELECT h::text FROM http01_tokens h')
      ).rows
        .map((r) => r.t)
        .join('\n');
      const values = (await db.query<{ ciphertext: Buffer }>('SELECT ciphertext FROM secret_values')).rows.map((r) => r.ciphertext);
      assert.ok(values.length >= 4, `values stored: ${values.length}`);
      const keyBody = secret.data['tls.key']!.toString().split('\n')[1]!;
      for (const needle of ['PRIVATE KEY', keyBody, env.eab.hmacKey]) {
        assert.ok(!dump.includes(needle), `${needle.slice(0, 16)}... in a table`);
        assert.ok(!values.some((v) => v.includes(Buffer.from(needle))), `${needle.slice(0, 16)}... in a value`);
      }
      const tokens = await db.query('SELECT count(*)::int AS n FROM http01_tokens');
      assert.equal(tokens.rows[0].n, 0, 'the HTTP-01 token was cleaned up');
    } finally {
      await db.end();
    }
  });
});
