// One Secret's directory, switched atomically the way kubelet's atomic writer does it:
//
//   <dir>/..data           -> ..2026_11_29_19_30_14_123_5f0c1a2b3c4d   (one rename switches all)
//   <dir>/..2026_11_29_19_30_14_123_5f0c1a2b3c4d/{tls.crt,tls.key,ca.crt,.meta.json}
//   <dir>/tls.crt          -> ..data/tls.crt                           (what nginx is pointed at)
//
// Every file and the version directory are fsynced before ..data moves, the secret directory
// after; the previous version is removed last. Readers resolve ..data once, so they never mix
// two versions. A directory written by older releases (plain files, no ..data) is read as is and
// converted by its next write.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isMissing, randomSuffix, readIfExists, syncDir, TMP_PREFIX, writeFileSynced } from './durable-fs.ts';

export const DATA_LINK = '..data';
const DATA_LINK_TMP = '..data_tmp_';
const LINK_TMP = '..link_tmp_';
const VERSION = /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d_\d{3}_[0-9a-f]+$/;

export interface Snapshot {
  files: Record<string, Buffer>;
  layout: 'versioned' | 'flat';
}

/** Every file of the current version (or of the old flat layout); undefined when there is none. */
export async function readSnapshot(dir: string): Promise<Snapshot | undefined> {
  for (let attempt = 0; ; attempt++) {
    let target: string;
    try {
      target = await fs.readlink(path.join(dir, DATA_LINK));
    } catch (err) {
      if (isMissing(err)) return readFlat(dir);
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
    try {
      return { files: await readFiles(path.join(dir, target), () => true), layout: 'versioned' };
    } catch (err) {
      // A writer switched ..data and removed this version while we read it: read the new one.
      if (!isMissing(err) || attempt >= 5) throw err;
    }
  }
}

/** One file of the current version, through ..data (or the old flat layout). */
export async function readOne(dir: string, file: string): Promise<Buffer | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = await fs.readlink(path.join(dir, DATA_LINK)).catch(() => undefined);
    if (version === undefined) {
      const flat = await lstatOrUndefined(path.join(dir, file));
      return flat?.isFile() ? readIfExists(path.join(dir, file)) : undefined;
    }
    const value = await readIfExists(path.join(dir, version, file));
    if (value) return value;
    // Missing, unless a writer switched versions under us: then read the new one.
    if ((await fs.readlink(path.join(dir, DATA_LINK)).catch(() => undefined)) === version) return undefined;
  }
  return undefined;
}

/**
 * Makes `files` the current version and `visible` the user-visible links; returns the version's
 * name. On failure nothing changes for readers and the half-written version is removed.
 */
export async function writeVersion(dir: string, files: Record<string, Buffer>, visible: string[]): Promise<string> {
  const created = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // New directories exist durably only once their parents are synced too.
  for (let d = dir; created && d !== path.dirname(d); d = path.dirname(d)) {
    await syncDir(path.dirname(d));
    if (d === created) break;
  }
  const name = versionName(new Date());
  const version = path.join(dir, name);
  const link = path.join(dir, `${DATA_LINK_TMP}${randomSuffix()}`);
  let previous: string | undefined;
  try {
    await fs.mkdir(version, { mode: 0o700 });
    for (const [file, value] of Object.entries(files)) await writeFileSynced(path.join(version, file), value);
    await syncDir(version);
    previous = await fs.readlink(path.join(dir, DATA_LINK)).catch(() => undefined);
    await fs.symlink(name, link);
    await fs.rename(link, path.join(dir, DATA_LINK));
  } catch (err) {
    await fs.rm(link, { force: true }).catch(() => undefined);
    await fs.rm(version, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
  for (const key of visible) await ensureLink(dir, key);
  // Links of keys that are gone, and the plain files of the old layout.
  for (const entry of await fs.readdir(dir)) {
    if (!entry.startsWith('..') && !visible.includes(entry)) await fs.rm(path.join(dir, entry), { force: true, recursive: true });
  }
  await syncDir(dir);
  if (previous && previous !== name && VERSION.test(previous)) await fs.rm(path.join(dir, previous), { recursive: true, force: true });
  return name;
}

/**
 * Synchronously: whether `dir` is exactly what writeVersion left: ..data at `version` and each
 * visible entry the link to its file, no other. For the watch, which must not block on a queue.
 */
export function isVersionAsWritten(dir: string, version: string, visible: string[]): boolean {
  try {
    if (fsSync.readlinkSync(path.join(dir, DATA_LINK)) !== version) return false;
    const entries = fsSync.readdirSync(dir).filter((e) => !e.startsWith('..'));
    if (entries.length !== visible.length || !visible.every((k) => entries.includes(k))) return false;
    return entries.every((e) => fsSync.readlinkSync(path.join(dir, e)) === `${DATA_LINK}/${e}`);
  } catch {
    return false;
  }
}

/** Removes what a crashed or failed writer left behind: temp links and unreferenced versions. */
export async function sweepDir(dir: string, staleBefore: number): Promise<void> {
  const current = await fs.readlink(path.join(dir, DATA_LINK)).catch(() => undefined);
  for (const entry of await fs.readdir(dir)) {
    const leftover = entry.startsWith(DATA_LINK_TMP) || entry.startsWith(LINK_TMP) || entry.startsWith(TMP_PREFIX) || (VERSION.test(entry) && entry !== current);
    if (!leftover) continue;
    const stat = await lstatOrUndefined(path.join(dir, entry));
    if (stat && stat.mtimeMs < staleBefore) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

function versionName(now: Date): string {
  return `..${now
    .toISOString()
    .replace(/[-:T.]/g, '_')
    .replace('Z', '')}_${randomSuffix()}`;
}

async function ensureLink(dir: string, key: string): Promise<void> {
  const file = path.join(dir, key);
  const target = `${DATA_LINK}/${key}`;
  if ((await fs.readlink(file).catch(() => undefined)) === target) return;
  const tmp = path.join(dir, `${LINK_TMP}${randomSuffix()}`);
  await fs.symlink(target, tmp);
  // Replaces a plain file of the old layout in one step.
  await fs.rename(tmp, file);
}

async function readFlat(dir: string): Promise<Snapshot | undefined> {
  let files: Record<string, Buffer>;
  try {
    files = await readFiles(dir, (entry, stat) => stat.isFile() && !entry.startsWith('..') && !entry.startsWith(TMP_PREFIX));
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
  return Object.keys(files).length > 0 ? { files, layout: 'flat' } : undefined;
}

async function readFiles(dir: string, keep: (entry: string, stat: import('node:fs').Stats) => boolean): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await fs.readdir(dir)) {
    const stat = await fs.lstat(path.join(dir, entry));
    if (!stat.isFile() || !keep(entry, stat)) continue;
    files[entry] = await fs.readFile(path.join(dir, entry));
  }
  return files;
}

async function lstatOrUndefined(file: string) {
  return fs.lstat(file).catch(() => undefined);
}
