// The secret store contract against both backends: files (two instances on one directory) and
// PostgreSQL (two instances with their own pools on one database, as two processes).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { FileSecretStore } from './secret-store.ts';
import { secretStoreContract, type ContractTarget } from './secret-store.contract.ts';
import { openStores, type Stores } from './stores.ts';

const KEY = Buffer.alloc(32, 7);

describe('file', () => {
  let root: string;
  let target: ContractTarget;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-contract-'));
    target = { stores: [new FileSecretStore(root), new FileSecretStore(root)] };
  });
  after(() => fs.rm(root, { recursive: true, force: true }));
  secretStoreContract('file', () => target);
});

describe('postgres', () => {
  let pg: TestPostgres;
  let opened: Stores[] = [];
  let target: ContractTarget;
  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('contract');
    const config = { dataDir: '/nonexistent', stores: { kind: 'postgres' as const, databaseUrl: url, encryptionKey: KEY, oldEncryptionKeys: [] } };
    opened = await Promise.all([openStores(config), openStores(config)]);
    target = { stores: [opened[0]!.secrets, opened[1]!.secrets] };
  });
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await pg?.stop();
  });
  secretStoreContract('postgres', () => target);
});
