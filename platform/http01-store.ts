// Presented HTTP-01 key authorizations, shared between the worker (which presents and cleans up)
// and the API's responder (which serves them), through the data directory both processes use.
// A key authorization is public (token + account key thumbprint), so a plain file is fine.
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from './durable-fs.ts';

export const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** What the worker (present/cleanup) and the API's responder (get) share, whatever the backend. */
export interface Http01TokenStore {
  present(token: string, keyAuthorization: string): Promise<void>;
  get(token: string): Promise<string | undefined>;
  cleanup(token: string): Promise<void>;
  presentedTokens(): Promise<string[]>;
}

/** The file backend: <DATA_DIR>/http01/<token>. */
export class Http01Store implements Http01TokenStore {
  readonly dir: string;
  constructor(root: string) {
    this.dir = path.join(root, 'http01');
  }

  private file(token: string): string {
    if (!TOKEN.test(token)) throw new Error(`invalid ACME token "${token}"`);
    return path.join(this.dir, token);
  }

  async present(token: string, keyAuthorization: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await atomicWrite(this.file(token), keyAuthorization);
  }

  async get(token: string): Promise<string | undefined> {
    if (!TOKEN.test(token)) return undefined;
    try {
      return await fs.readFile(this.file(token), 'utf8');
    } catch {
      return undefined;
    }
  }

  async cleanup(token: string): Promise<void> {
    await fs.rm(this.file(token), { force: true });
  }

  async presentedTokens(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((t) => TOKEN.test(t));
    } catch {
      return [];
    }
  }
}
