// Moving from the file store to another store (PostgreSQL): every Secret with its keys, metadata
// and owner, and every owner record that holds no data yet (a claim made at apply time). Safe to
// run again: what is already there is "unchanged"; a Secret the target gives to another owner is
// reported and left alone on both sides (invariant: nothing overwrites a Secret it does not own).
import fs from 'node:fs/promises';
import path from 'node:path';
import { OWNERS_DIR } from './owner-records.ts';
import { SecretOwnedError, type SecretStore } from './secret-store.ts';

export interface SecretName {
  namespace: string;
  name: string;
}

export interface CopyReport {
  created: string[];
  configured: string[];
  unchanged: string[];
  /** Owner records without data, claimed in the target. */
  claimed: string[];
  /** "<ns>/<name>: held by X in the target, by Y here": left as they are. */
  conflicts: string[];
}

const NAME = /^[-._a-zA-Z0-9]+$/;
const isName = (s: string) => NAME.test(s) && !s.startsWith('.');

/** Every Secret directory and owner record under a file store's root, sorted. */
export async function fileStoreNames(root: string): Promise<SecretName[]> {
  const found = new Map<string, SecretName>();
  const entries = async (dir: string) => (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) as import('node:fs').Dirent[];
  for (const ns of await entries(root)) {
    if (!ns.isDirectory() || !isName(ns.name)) continue;
    for (const entry of await entries(path.join(root, ns.name))) {
      if (entry.isDirectory() && isName(entry.name)) found.set(`${ns.name}/${entry.name}`, { namespace: ns.name, name: entry.name });
    }
    for (const record of await entries(path.join(root, ns.name, OWNERS_DIR))) {
      if (record.isFile() && isName(record.name)) found.set(`${ns.name}/${record.name}`, { namespace: ns.name, name: record.name });
    }
  }
  return [...found.values()].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** Copies each named Secret from `from` to `to`, as its owner in `from` (replacing the target's keys). */
export async function copySecrets(from: SecretStore, to: SecretStore, names: SecretName[]): Promise<CopyReport> {
  const report: CopyReport = { created: [], configured: [], unchanged: [], claimed: [], conflicts: [] };
  for (const { namespace, name } of names) {
    const id = `${namespace}/${name}`;
    const [secret, owner] = await Promise.all([from.read(namespace, name), from.owner(namespace, name)]);
    try {
      if (secret) {
        const result = await to.write(namespace, name, secret.data, secret.meta, { replace: true, ...(owner && { owner }) });
        report[result].push(id);
      } else if (owner) {
        const claim = await to.claim(namespace, name, owner);
        if (!claim.ok) throw new SecretOwnedError(namespace, name, claim.owner, owner);
        (claim.created ? report.claimed : report.unchanged).push(id);
      }
    } catch (err) {
      if (!(err instanceof SecretOwnedError)) throw err;
      report.conflicts.push(`${id}: owned by ${err.owner} in the target, by ${err.claimant} in the file store`);
    }
  }
  return report;
}
