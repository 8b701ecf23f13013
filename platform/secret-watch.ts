// Watches the file secret store with inotify (fs.watch) and reports which Secret changed, by
// whom ever: this process, the API process, another worker, or a user with rm and cp.
//
//   <root>                     namespaces appearing or going
//   <root>/<ns>                Secrets appearing or going (and ..owners appearing)
//   <root>/<ns>/..owners       an owner record removed (a Secret given up: someone may claim it)
//   <root>/<ns>/<name>         the ..data switch, links replaced, the old flat layout's files
//   <root>/<ns>/<name>/..<ver> the current version's files written in place (through tls.key's link)
//
// Two watches per Secret (kernel memory ~1 KiB each, no CPU while nothing changes). One change
// is a burst of events (a version switch touches several entries), so reports are debounced per
// Secret. Best effort: when the kernel refuses more watches (ENOSPC: fs.inotify.max_user_watches,
// EMFILE) it says so once and the periodic resync finds what the watch misses.
import fs, { type FSWatcher } from 'node:fs';
import path from 'node:path';
import { DATA_LINK } from './versioned-dir.ts';
import { OWNERS_DIR } from './owner-records.ts';

export type SecretChangeHandler = (namespace: string, name: string, detail?: ChangeDetail) => void;

/** What a store may know about a change beyond its Secret's name. */
export interface ChangeDetail {
  /** The owner a write or claim was made as (the PostgreSQL store knows it; files cannot say). */
  madeAs?: string;
}

export interface SecretWatchOptions {
  /** A Secret is reported once its events have been quiet this long. */
  debounceMs?: number;
  /** ...or at the latest this long after its first event, however busy it stays. */
  maxDelayMs?: number;
  /** Watch problems (a refused watch, a watcher error); the watch goes on with what it has. */
  onError?: (err: Error) => void;
  /**
   * True when the Secret is exactly as this process last wrote it: no need to tell anyone. Asked
   * only for events that a write of this process could cause (never for an in-place edit).
   */
  isOwnWrite?: (namespace: string, name: string) => boolean;
  /** fs.watch, or a stand-in that refuses like a kernel out of watches (tests). */
  watchDir?: (dir: string, listener: (event: string, entry: string | null) => void) => FSWatcher;
}

const watchDir = (dir: string, listener: (event: string, entry: string | null) => void): FSWatcher =>
  fs.watch(dir, { persistent: false }, (event, entry) => listener(event, entry === null ? null : String(entry)));

const SEGMENT = /^[-._a-zA-Z0-9]+$/;
const isName = (s: string | null): s is string => s !== null && SEGMENT.test(s) && !s.startsWith('.');

interface SecretWatchers {
  dir: FSWatcher;
  version?: { name: string; watcher: FSWatcher };
}

interface Pending {
  timer: NodeJS.Timeout;
  since: number;
  /** Some event came from outside any write of ours (an in-place edit, an owner record gone). */
  foreign: boolean;
}

export class SecretDirWatch {
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private root?: FSWatcher;
  private readonly namespaces = new Map<string, FSWatcher>();
  private readonly owners = new Map<string, FSWatcher>();
  private readonly secrets = new Map<string, SecretWatchers>();
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  private refused = false;

  constructor(
    private readonly dir: string,
    private readonly onChange: SecretChangeHandler,
    private readonly opts: SecretWatchOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 2_000;
  }

  /** Watches what exists now; reports only what changes from here on. */
  start(): this {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.root = this.watch(this.dir, (_event, entry) => (entry === null ? this.rescan() : this.syncNamespace(entry, true)));
    for (const ns of readdir(this.dir)) this.syncNamespace(ns, false);
    return this;
  }

  close(): void {
    this.closed = true;
    this.root?.close();
    for (const w of [...this.namespaces.values(), ...this.owners.values()]) w.close();
    for (const s of this.secrets.values()) closeSecret(s);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.namespaces.clear();
    this.owners.clear();
    this.secrets.clear();
    this.pending.clear();
  }

  /** Number of kernel watches held (for tests and diagnostics). */
  get watchCount(): number {
    let n = (this.root ? 1 : 0) + this.namespaces.size + this.owners.size;
    for (const s of this.secrets.values()) n += s.version ? 2 : 1;
    return n;
  }

  private rescan(): void {
    for (const ns of new Set([...readdir(this.dir), ...this.namespaces.keys()])) this.syncNamespace(ns, true);
  }

  /** `report`: the namespace is new or gone, so each Secret in it changed. */
  private syncNamespace(ns: string, report: boolean): void {
    if (!isName(ns) || this.closed) return;
    const dir = path.join(this.dir, ns);
    if (!isDirectory(dir)) {
      this.namespaces.get(ns)?.close();
      this.namespaces.delete(ns);
      this.syncOwners(ns);
      for (const key of [...this.secrets.keys()]) if (key.startsWith(`${ns}/`)) this.syncSecret(ns, key.slice(ns.length + 1), report);
      return;
    }
    if (!this.namespaces.has(ns)) {
      const w = this.watch(dir, (_event, entry) => {
        if (entry === OWNERS_DIR) this.syncOwners(ns);
        // The namespace itself went (its own event names it, like a Secret of the same name would).
        else if (entry === null || !isDirectory(dir)) this.syncNamespace(ns, true);
        else this.syncSecret(ns, entry, true);
      });
      if (!w) return;
      this.namespaces.set(ns, w);
    }
    this.syncOwners(ns);
    for (const name of readdir(dir)) this.syncSecret(ns, name, report && !this.secrets.has(`${ns}/${name}`));
  }

  private syncOwners(ns: string): void {
    const dir = path.join(this.dir, ns, OWNERS_DIR);
    const watched = this.owners.get(ns);
    if (!isDirectory(dir)) {
      watched?.close();
      this.owners.delete(ns);
      return;
    }
    if (watched) return;
    const w = this.watch(dir, (_event, entry) => {
      // A claim is no news; a record gone means the Secret is free for whoever wants it.
      if (isName(entry) && !fs.existsSync(path.join(dir, entry))) this.report(ns, entry, true);
    });
    if (w) this.owners.set(ns, w);
  }

  private syncSecret(ns: string, name: string, report: boolean): void {
    if (!isName(name) || this.closed) return;
    const key = `${ns}/${name}`;
    const dir = path.join(this.dir, ns, name);
    const watched = this.secrets.get(key);
    if (report) this.report(ns, name, false);
    if (!isDirectory(dir)) {
      if (watched) closeSecret(watched);
      this.secrets.delete(key);
      return;
    }
    if (watched) {
      this.syncVersion(ns, name, watched);
      return;
    }
    const w = this.watch(dir, () => {
      const current = this.secrets.get(key);
      if (current) this.syncVersion(ns, name, current);
      this.report(ns, name, false);
    });
    if (!w) return;
    const entry: SecretWatchers = { dir: w };
    this.secrets.set(key, entry);
    this.syncVersion(ns, name, entry);
  }

  /** Keeps the watch on the version ..data points at (writers switch it; the old one goes away). */
  private syncVersion(ns: string, name: string, entry: SecretWatchers): void {
    const dir = path.join(this.dir, ns, name);
    const target = currentVersion(dir);
    if (entry.version?.name === target) return;
    entry.version?.watcher.close();
    entry.version = undefined;
    if (target === undefined) return;
    const w = this.watch(path.join(dir, target), () => {
      // Events from a version that is no longer current are a writer removing it: not news.
      if (entry.version?.name === target && currentVersion(dir) === target) this.report(ns, name, true);
    });
    if (w) entry.version = { name: target, watcher: w };
  }

  private report(ns: string, name: string, foreign: boolean): void {
    if (this.closed) return;
    const key = `${ns}/${name}`;
    const now = Date.now();
    const prev = this.pending.get(key);
    if (prev) clearTimeout(prev.timer);
    const since = prev?.since ?? now;
    const next: Pending = { since, foreign: foreign || (prev?.foreign ?? false), timer: undefined as unknown as NodeJS.Timeout };
    const wait = Math.max(0, Math.min(this.debounceMs, since + this.maxDelayMs - now));
    next.timer = setTimeout(() => this.fire(ns, name, key), wait);
    next.timer.unref();
    this.pending.set(key, next);
  }

  private fire(ns: string, name: string, key: string): void {
    const p = this.pending.get(key);
    this.pending.delete(key);
    if (this.closed || !p) return;
    try {
      if (!p.foreign && this.opts.isOwnWrite?.(ns, name)) return;
      this.onChange(ns, name);
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
  }

  private watch(dir: string, listener: (event: string, entry: string | null) => void): FSWatcher | undefined {
    try {
      const w = (this.opts.watchDir ?? watchDir)(dir, (event, entry) => {
        try {
          listener(event, entry);
        } catch (err) {
          this.opts.onError?.(err as Error);
        }
      });
      w.on('error', (err) => {
        w.close();
        this.opts.onError?.(err);
      });
      return w;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // gone meanwhile: its parent's watch says so
      if (code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE') {
        if (!this.refused) {
          this.refused = true;
          this.opts.onError?.(
            new Error(
              `the kernel refused a file watch (${code}: raise fs.inotify.max_user_watches or the open file limit); changes to some Secrets are found at the next resync only`,
            ),
          );
        }
        return undefined;
      }
      this.opts.onError?.(err as Error);
      return undefined;
    }
  }
}

function closeSecret(s: SecretWatchers): void {
  s.dir.close();
  s.version?.watcher.close();
}

function currentVersion(dir: string): string | undefined {
  try {
    const target = fs.readlinkSync(path.join(dir, DATA_LINK));
    return target.startsWith('..') && !target.includes('/') ? target : undefined;
  } catch {
    return undefined;
  }
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
