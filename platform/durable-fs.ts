// Small durable-file primitives: write-and-fsync, fsync a directory, exclusive create with
// content. A rename is only durable once the directory holding it is fsynced, and a file's
// content only once the file is; both are done before anything points at the new data.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const TMP_PREFIX = '.tmp-';

export const randomSuffix = () => randomBytes(6).toString('hex');

export async function writeFileSynced(file: string, value: Buffer | string, flag = 'wx'): Promise<void> {
  const handle = await fs.open(file, flag, 0o600);
  try {
    await handle.writeFile(value);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` by rename; the temp file is removed if anything fails (e.g. ENOSPC). */
export async function atomicWrite(file: string, value: Buffer | string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${TMP_PREFIX}${randomSuffix()}`);
  try {
    await writeFileSynced(tmp, value);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/**
 * Creates `file` holding `value` unless it exists: false when it does. Written to a temp file
 * and hard-linked into place, so the file is never seen empty and two racers cannot both win.
 */
export async function createExclusive(file: string, value: string): Promise<boolean> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${TMP_PREFIX}${randomSuffix()}`);
  try {
    await writeFileSynced(tmp, value);
    await fs.link(tmp, file);
    await syncDir(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

export const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}
