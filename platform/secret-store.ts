// Filesystem secret store: <root>/<namespace>/<name>/<key>, laid out so nginx or haproxy
// can read tls.crt/tls.key directly. Directories 0700, files 0600, every file written by
// rename so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export type SecretData = Record<string, Buffer>;
export type WriteResult = 'created' | 'configured' | 'unchanged';

const META = '.meta.json';
const TMP = '.tmp-';
const SAFE = /^[-._a-zA-Z0-9]+$/;

export interface SecretMeta {
  type: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export class FileSecretStore {
  constructor(readonly root: string) {}

  dir(namespace: string, name: string): string {
    for (const part of [namespace, name]) {
      if (!SAFE.test(part) || part.startsWith('.')) throw new Error(`invalid secret path segment "${part}"`);
    }
    return path.join(this.root, namespace, name);
  }

  async read(namespace: string, name: string): Promise<{ data: SecretData; meta: SecretMeta } | undefined> {
    const dir = this.dir(namespace, name);
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const data: SecretData = {};
    for (const key of entries.filter(isDataKey)) {
      data[key] = await fs.readFile(path.join(dir, key));
    }
    const meta = await readJson<SecretMeta>(path.join(dir, META));
    return { data, meta: meta ?? { type: data['tls.crt'] ? 'kubernetes.io/tls' : 'Opaque' } };
  }

  async readKey(namespace: string, name: string, key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(path.join(this.dir(namespace, name), checkKey(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Writes the given keys (others are kept unless `replace`). Idempotent under retry. */
  async write(
    namespace: string,
    name: string,
    data: SecretData,
    meta?: SecretMeta,
    opts: { replace?: boolean } = {},
  ): Promise<WriteResult> {
    const dir = this.dir(namespace, name);
    Object.keys(data).forEach(checkKey);
    const before = await this.read(namespace, name);
    const same =
      before !== undefined &&
      Object.entries(data).every(([k, v]) => before.data[k]?.equals(v)) &&
      (!opts.replace || Object.keys(before.data).every((k) => k in data)) &&
      (meta === undefined || JSON.stringify(before.meta) === JSON.stringify(meta));
    if (same) return 'unchanged';
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [key, value] of Object.entries(data)) await atomicWrite(path.join(dir, checkKey(key)), value);
    if (meta) await atomicWrite(path.join(dir, META), Buffer.from(JSON.stringify(meta)));
    if (opts.replace && before) {
      for (const key of Object.keys(before.data)) if (!(key in data)) await fs.rm(path.join(dir, key), { force: true });
    }
    return before ? 'configured' : 'created';
  }

  async remove(namespace: string, name: string): Promise<boolean> {
    const dir = this.dir(namespace, name);
    const existed = await fs.stat(dir).then(() => true, () => false);
    await fs.rm(dir, { recursive: true, force: true });
    return existed;
  }
}

function checkKey(key: string): string {
  if (!isDataKey(key)) throw new Error(`invalid secret key "${key}"`);
  return key;
}

function isDataKey(entry: string): boolean {
  return SAFE.test(entry) && entry !== META && !entry.startsWith(TMP) && !entry.startsWith('..');
}

export async function atomicWrite(file: string, value: Buffer | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `${TMP}${randomBytes(6).toString('hex')}`);
  await fs.writeFile(tmp, value, { mode: 0o600 });
  await fs.rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
