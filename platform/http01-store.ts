// Presented HTTP-01 key authorizations, shared between the worker (which presents and cleans up)
// and the API's responder (which serves them), through the data directory both processes use.
// A key authorization is public (token + account key thumbprint), so a plain file is fine.
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from './durable-fs.ts';

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export class Http01Store {
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
