// The secret store: each Secret's keys, its metadata and its owner. This file backend lays
// Secrets out as <root>/<namespace>/<name>/<key> so nginx or haproxy read tls.crt/tls.key
// directly; versioned-dir.ts switches a Secret's files together, owner-records.ts keeps owners.
// Directories 0700, files 0600.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Annotation } from '../resources/annotations.ts';
import { APPLIED, ownedByOtherMessage } from '../resources/secret-owner.ts';
import { OWNERS_DIR, OwnerRecords, type ClaimResult } from './owner-records.ts';
import { SecretDirWatch, type SecretChangeHandler, type SecretWatchOptions } from './secret-watch.ts';
import { isVersionAsWritten, readOne, readSnapshot, sweepDir, writeVersion } from './versioned-dir.ts';

export type { ClaimResult } from './owner-records.ts';
export type { ChangeDetail, SecretChangeHandler } from './secret-watch.ts';

export type SecretData = Record<string, Buffer>;
export type WriteResult = 'created' | 'configured' | 'unchanged';

export interface SecretRef {
  namespace: string;
  name: string;
}

export type StoreWatchOptions = Pick<SecretWatchOptions, 'onError' | 'debounceMs' | 'maxDelayMs'> & {
  /** Report this instance's own writes too (a reader serving others, e.g. the API's watch). */
  includeOwnWrites?: boolean;
};

export interface SecretMeta {
  type: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface WriteOptions {
  /** Drop keys not in `data`. */
  replace?: boolean;
  /** Write only as this owner: claims a Secret nobody owns, throws SecretOwnedError otherwise. */
  owner?: string;
}

/** What callers rely on, whatever the backend (files here; a database later). */
export interface SecretStore {
  read(namespace: string, name: string): Promise<{ data: SecretData; meta: SecretMeta } | undefined>;
  readKey(namespace: string, name: string, key: string): Promise<Buffer | undefined>;
  write(namespace: string, name: string, data: SecretData, meta?: SecretMeta, opts?: WriteOptions): Promise<WriteResult>;
  /** Removes the Secret and its owner record; whether it existed. */
  remove(namespace: string, name: string): Promise<boolean>;
  owner(namespace: string, name: string): Promise<string | undefined>;
  /** Atomic: of concurrent claimants exactly one wins; claiming again as the owner is ok. */
  claim(namespace: string, name: string, owner: string): Promise<ClaimResult>;
  /** Gives up ownership if `owner` holds it; the Secret's data stays. */
  release(namespace: string, name: string, owner: string): Promise<boolean>;
  /** Who owns each Secret in `namespace` that has an owner: name -> owner (one read for a whole request's worth). */
  owners(namespace: string): Promise<Map<string, string>>;
  /** Every Secret holding data, in `namespace` or (undefined) in all, sorted by namespace then name. */
  list(namespace?: string): Promise<SecretRef[]>;
  /**
   * Calls `onChange` soon after a Secret's data is created, replaced or deleted, or its owner
   * record is removed, by any process or by hand; a burst of changes to one Secret is reported
   * once. Best effort: a change may go unreported (resync finds it) or be reported when nothing
   * changed. Returns the unsubscribe function. (A database store: LISTEN/NOTIFY.)
   */
  watch(onChange: SecretChangeHandler, opts?: StoreWatchOptions): () => void;
  /**
   * watch(), plus a promise that resolves once changes from then on are seen (a database store's
   * LISTEN is in place); stores whose watch is in place at once need not have it.
   */
  watchReady?(onChange: SecretChangeHandler, opts?: StoreWatchOptions): { ready: Promise<void>; unsubscribe: () => void };
}

export class SecretOwnedError extends Error {
  constructor(
    readonly namespace: string,
    readonly secretName: string,
    readonly owner: string,
    readonly claimant: string,
  ) {
    super(ownedByOtherMessage(namespace, secretName, owner, claimant));
    this.name = 'SecretOwnedError';
  }
}

const META = '.meta.json';
const SAFE = /^[-._a-zA-Z0-9]+$/;
/** Leftovers younger than this may belong to a writer in another process that is still running. */
const STALE_MS = 5 * 60_000;
/** How long this process recognises a Secret's state as its own write (and does not report it). */
const OWN_WRITE_MS = 60_000;

export class FileSecretStore implements SecretStore {
  private readonly ownerRecords: OwnerRecords;
  private prepared?: Promise<void>;
  /** What this process last wrote, by "<ns>/<name>": its own writes need no report. */
  private readonly ownWrites = new Map<string, { version: string; visible: string[]; at: number }>();

  constructor(
    readonly root: string,
    private readonly opts: { staleMs?: number } = {},
  ) {
    this.ownerRecords = new OwnerRecords(root);
  }

  dir(namespace: string, name: string): string {
    return path.join(this.root, checkSegment(namespace), checkSegment(name));
  }

  async read(namespace: string, name: string): Promise<{ data: SecretData; meta: SecretMeta } | undefined> {
    const dir = this.dir(namespace, name);
    await this.ready();
    const current = await this.current(dir);
    if (!current) return undefined;
    return { data: current.data, meta: current.meta ?? { type: current.data['tls.crt'] ? 'kubernetes.io/tls' : 'Opaque' } };
  }

  async readKey(namespace: string, name: string, key: string): Promise<Buffer | undefined> {
    const dir = this.dir(namespace, name);
    checkKey(key);
    await this.ready();
    return readOne(dir, key);
  }

  /** Writes the given keys (others are kept unless `replace`). Idempotent under retry. */
  async write(namespace: string, name: string, data: SecretData, meta?: SecretMeta, opts: WriteOptions = {}): Promise<WriteResult> {
    const dir = this.dir(namespace, name);
    Object.keys(data).forEach(checkKey);
    await this.ready();
    if (opts.owner) {
      const claim = await this.ownerRecords.claim(namespace, name, opts.owner);
      if (!claim.ok) throw new SecretOwnedError(namespace, name, claim.owner, opts.owner);
    }
    // A removal racing this write may delete the directory under it: then write it afresh.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeOnce(`${namespace}/${name}`, dir, data, meta, opts);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ENOTEMPTY') || attempt >= 5) throw err;
      }
    }
  }

  private async writeOnce(key: string, dir: string, data: SecretData, meta: SecretMeta | undefined, opts: WriteOptions): Promise<WriteResult> {
    const before = await this.current(dir);
    const same =
      before !== undefined &&
      Object.entries(data).every(([k, v]) => before.data[k]?.equals(v)) &&
      (!opts.replace || Object.keys(before.data).every((k) => k in data)) &&
      (meta === undefined || JSON.stringify(before.meta ?? defaultMeta(before.data)) === JSON.stringify(meta));
    if (same && before.layout === 'versioned') return 'unchanged';
    const merged = opts.replace || !before ? { ...data } : { ...before.data, ...data };
    const keepMeta = meta ?? before?.meta;
    const files: SecretData = { ...merged, ...(keepMeta && { [META]: Buffer.from(JSON.stringify(keepMeta)) }) };
    const version = await writeVersion(dir, files, Object.keys(merged));
    this.rememberOwnWrite(key, version, Object.keys(merged));
    return same ? 'unchanged' : before ? 'configured' : 'created';
  }

  async remove(namespace: string, name: string): Promise<boolean> {
    const dir = this.dir(namespace, name);
    await this.ready();
    const existed = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    // A writer racing us may add a version while we empty the directory: remove again, after a
    // pause, since a writer fsyncs each file and back-to-back attempts can all land inside one
    // write (a CI run exhausted 6 of them).
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rm(dir, { recursive: true, force: true });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 5 * (attempt + 1)));
      }
    }
    await this.ownerRecords.drop(namespace, name);
    return existed;
  }

  async owner(namespace: string, name: string): Promise<string | undefined> {
    this.dir(namespace, name);
    await this.ready();
    return this.ownerRecords.get(namespace, name);
  }

  async claim(namespace: string, name: string, owner: string): Promise<ClaimResult> {
    this.dir(namespace, name);
    await this.ready();
    return this.ownerRecords.claim(namespace, name, owner);
  }

  async release(namespace: string, name: string, owner: string): Promise<boolean> {
    this.dir(namespace, name);
    await this.ready();
    return this.ownerRecords.release(namespace, name, owner);
  }

  async owners(namespace: string): Promise<Map<string, string>> {
    checkSegment(namespace);
    await this.ready();
    return this.ownerRecords.all(namespace);
  }

  async list(namespace?: string): Promise<SecretRef[]> {
    if (namespace !== undefined) checkSegment(namespace);
    await this.ready();
    const namespaces = namespace === undefined ? (await fs.readdir(this.root).catch(() => [] as string[])).filter(isSegment).sort() : [namespace];
    const refs: SecretRef[] = [];
    for (const ns of namespaces) {
      for (const name of (await fs.readdir(path.join(this.root, ns)).catch(() => [] as string[])).filter(isSegment).sort()) {
        // A directory left empty (a removal racing a write) is no Secret.
        if (await readSnapshot(path.join(this.root, ns, name)).catch(() => undefined)) refs.push({ namespace: ns, name });
      }
    }
    return refs;
  }

  watch(onChange: SecretChangeHandler, opts: StoreWatchOptions = {}): () => void {
    const { includeOwnWrites, ...rest } = opts;
    const isOwnWrite = includeOwnWrites ? undefined : (ns: string, name: string) => this.isOwnWrite(ns, name);
    const watch = new SecretDirWatch(this.root, onChange, { ...rest, isOwnWrite }).start();
    return () => watch.close();
  }

  private rememberOwnWrite(key: string, version: string, visible: string[]): void {
    const now = Date.now();
    if (this.ownWrites.size >= 1000) for (const [k, w] of this.ownWrites) if (now - w.at > OWN_WRITE_MS) this.ownWrites.delete(k);
    this.ownWrites.set(key, { version, visible, at: now });
  }

  private isOwnWrite(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    const own = this.ownWrites.get(key);
    if (!own) return false;
    if (Date.now() - own.at > OWN_WRITE_MS) {
      this.ownWrites.delete(key);
      return false;
    }
    return isVersionAsWritten(this.dir(namespace, name), own.version, own.visible);
  }

  private async current(dir: string): Promise<{ data: SecretData; meta?: SecretMeta; layout: 'versioned' | 'flat' } | undefined> {
    const snapshot = await readSnapshot(dir);
    if (!snapshot) return undefined;
    const data: SecretData = {};
    for (const [file, value] of Object.entries(snapshot.files)) if (isDataKey(file)) data[file] = value;
    const metaRaw = snapshot.files[META];
    let meta: SecretMeta | undefined;
    try {
      meta = metaRaw ? (JSON.parse(metaRaw.toString('utf8')) as SecretMeta) : undefined;
    } catch {
      meta = undefined;
    }
    return { data, meta, layout: snapshot.layout };
  }

  /** Once per store: sweep what crashed writers left, adopt Secrets written by older releases. */
  private ready(): Promise<void> {
    this.prepared ??= this.prepare().catch(() => undefined);
    return this.prepared;
  }

  private async prepare(): Promise<void> {
    const staleBefore = Date.now() - (this.opts.staleMs ?? STALE_MS);
    for (const namespace of await fs.readdir(this.root).catch(() => [] as string[])) {
      const nsDir = path.join(this.root, namespace);
      for (const name of await fs.readdir(nsDir).catch(() => [] as string[])) {
        const dir = path.join(nsDir, name);
        if (name === OWNERS_DIR) {
          await sweepDir(dir, staleBefore).catch(() => undefined);
          continue;
        }
        if (
          !(await fs.lstat(dir).then(
            (s) => s.isDirectory(),
            () => false,
          ))
        )
          continue;
        await sweepDir(dir, staleBefore).catch(() => undefined);
        await this.adopt(namespace, name, dir).catch(() => undefined);
      }
    }
  }

  // Secrets from releases without owner records: a Certificate's Secret carries the
  // cert-manager.io/certificate-name annotation; anything else (a user's Secret, an account key)
  // becomes "applied", which no Certificate may overwrite.
  private async adopt(namespace: string, name: string, dir: string): Promise<void> {
    if (await this.ownerRecords.get(namespace, name)) return;
    const current = await this.current(dir);
    if (current?.layout !== 'flat') return;
    const certificate = current.meta?.annotations?.[Annotation.CertificateName];
    await this.ownerRecords.claim(namespace, name, certificate ? `Certificate/${certificate}` : APPLIED);
  }
}

export const defaultMeta = (data: SecretData): SecretMeta => ({ type: data['tls.crt'] ? 'kubernetes.io/tls' : 'Opaque' });

export function checkSegment(part: string): string {
  if (!SAFE.test(part) || part.startsWith('.')) throw new Error(`invalid secret path segment "${part}"`);
  return part;
}

const isSegment = (part: string) => SAFE.test(part) && !part.startsWith('.');

export function checkKey(key: string): string {
  if (!isDataKey(key)) throw new Error(`invalid secret key "${key}"`);
  return key;
}

function isDataKey(entry: string): boolean {
  return SAFE.test(entry) && entry !== META && !entry.startsWith('.tmp-') && !entry.startsWith('..');
}
