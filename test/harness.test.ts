// Proves the external servers the integration tests depend on start, answer, and stop.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Connection } from '@temporalio/client';
import { startTemporalDevServer } from '../platform/temporal-dev-server.ts';
import { startPebble, type Pebble } from './support/pebble.ts';
import { startTestTemporal } from './support/temporal.ts';

function getJson(url: string, ca: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get(url, { ca, headers: { 'user-agent': 'harness-test' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
    }).on('error', reject);
  });
}

async function customSearchAttributes(address: string): Promise<Record<string, unknown>> {
  const connection = await Connection.connect({ address });
  try {
    const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return res.customAttributes ?? {};
  } finally {
    await connection.close();
  }
}

describe('pebble', () => {
  let pebble: Pebble;
  before(async () => {
    pebble = await startPebble({ eabKeys: { kid1: 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W' } });
  });
  after(() => pebble?.stop());

  test('directory requires EAB', async () => {
    const dir = await getJson(pebble.directoryUrl, pebble.tlsCaPem);
    assert.equal(typeof dir.newAccount, 'string');
    assert.equal((dir.meta as Record<string, unknown>).externalAccountRequired, true);
  });

  test('rootPem returns a PEM certificate', async () => {
    assert.match(await pebble.rootPem(), /^-----BEGIN CERTIFICATE-----/);
  });

  test('challtestsrv resolves any name to 127.0.0.1', async () => {
    const resolver = new Resolver();
    resolver.setServers([pebble.dnsServer]);
    assert.deepEqual(await resolver.resolve4('anything.example.test'), ['127.0.0.1']);
  });
});

describe('temporal dev server', () => {
  let server: { address: string; stop(): Promise<void> } | undefined;
  after(() => server?.stop());

  test('in-memory server registers the search attributes', async () => {
    server = await startTestTemporal();
    assert.ok('CertManagerKind' in (await customSearchAttributes(server.address)));
  });
});

describe('temporal dev server with a persistent db', () => {
  let dir: string;
  let server: { stop(): Promise<void> } | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'temporal-db-'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('restarts on the same db file with the same search attributes', async () => {
    const dbFile = join(dir, 'temporal.db');
    server = await startTemporalDevServer({ uiPort: false, dbFile });
    await server.stop();
    const second = await startTemporalDevServer({ uiPort: false, dbFile });
    server = second;
    assert.ok('CertManagerNotAfter' in (await customSearchAttributes(second.address)));
  });
});
