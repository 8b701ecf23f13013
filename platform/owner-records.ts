// Who owns each Secret, one small file per Secret: <root>/<ns>/..owners/<name> holding e.g.
// "Certificate/web". Kept beside, not inside, the Secret's directory, so a claim made at apply
// time does not make a Secret appear, and deleting a Secret's files by hand keeps its owner.
// A claim is an exclusive create: of two concurrent claimants exactly one wins.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createExclusive, readIfExists } from './durable-fs.ts';

export const OWNERS_DIR = '..owners';

export type ClaimResult = { ok: true; created: boolean } | { ok: false; owner: string };

export class OwnerRecords {
  constructor(private readonly root: string) {}

  private file(namespace: string, name: string): string {
    return path.join(this.root, namespace, OWNERS_DIR, name);
  }

  async get(namespace: string, name: string): Promise<string | undefined> {
    const raw = await readIfExists(this.file(namespace, name));
    const owner = raw?.toString('utf8').trim();
    return owner || undefined;
  }

  async claim(namespace: string, name: string, owner: string): Promise<ClaimResult> {
    const file = this.file(namespace, name);
    // The common case (every Certificate wake-up) is a claim already held: a read, no write.
    const held = await this.get(namespace, name);
    if (held === owner) return { ok: true, created: false };
    if (held !== undefined) return { ok: false, owner: held };
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await createExclusive(file, owner)) return { ok: true, created: true };
      const current = await this.get(namespace, name);
      if (current === owner) return { ok: true, created: false };
      if (current !== undefined) return { ok: false, owner: current };
      // Released between our create and our read: try again.
    }
    throw new Error(`could not claim Secret ${namespace}/${name}: its owner record keeps changing`);
  }

  /** Removes the record only when `owner` holds it. */
  async release(namespace: string, name: string, owner: string): Promise<boolean> {
    if ((await this.get(namespace, name)) !== owner) return false;
    await fs.rm(this.file(namespace, name), { force: true });
    return true;
  }

  /** Every owner record in `namespace`: Secret name -> owner. */
  async all(namespace: string): Promise<Map<string, string>> {
    const dir = path.join(this.root, namespace, OWNERS_DIR);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const held = await Promise.all(names.filter((n) => !n.startsWith('.')).map(async (n) => [n, await this.get(namespace, n)] as const));
    return new Map(held.filter((h): h is readonly [string, string] => h[1] !== undefined));
  }

  async drop(namespace: string, name: string): Promise<void> {
    await fs.rm(this.file(namespace, name), { force: true });
  }
}
