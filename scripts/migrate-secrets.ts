// `npm run migrate-secrets`: copies every Secret (keys, metadata, owner) and every prepared next
// key from the file store under DATA_DIR into PostgreSQL (SECRET_STORE=postgres, DATABASE_URL,
// SECRET_ENCRYPTION_KEY[_FILE]). Run it with the service stopped; running it again changes
// nothing. Exit code 1 when a Secret is owned by someone else in the database (left alone).
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../platform/config.ts';
import { copySecrets, fileStoreNames, type CopyReport } from '../platform/secret-migration.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { openStores } from '../platform/stores.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.stores.kind !== 'postgres')
    throw new Error('set SECRET_STORE=postgres with DATABASE_URL and SECRET_ENCRYPTION_KEY (the target); DATA_DIR names the file store to copy from');
  const source = path.join(config.dataDir, 'secrets');
  if (!(await fs.stat(source).catch(() => undefined))?.isDirectory()) throw new Error(`no file store at ${source} (DATA_DIR=${config.dataDir})`);
  const stores = await openStores(config);
  let conflicts = 0;
  try {
    for (const [label, dir, target] of [
      ['Secrets', source, stores.secrets],
      ['next keys', path.join(config.dataDir, 'next-keys'), stores.nextKeys],
    ] as const) {
      const report = await copySecrets(new FileSecretStore(dir), target, await fileStoreNames(dir));
      console.log(summary(label, report));
      for (const c of report.conflicts) console.error(`  not copied: ${c}`);
      conflicts += report.conflicts.length;
    }
  } finally {
    await stores.close();
  }
  return conflicts > 0 ? 1 : 0;
}

const summary = (label: string, r: CopyReport) =>
  `${label}: ${r.created.length} created, ${r.configured.length} updated, ${r.unchanged.length} unchanged, ${r.claimed.length} owner records without data, ${r.conflicts.length} owned by someone else in the database`;

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
