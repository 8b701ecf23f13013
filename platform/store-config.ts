// Which stores hold Secrets, HTTP-01 tokens and next keys: the data directory (default), or
// PostgreSQL shared by every worker and API replica, with values encrypted by a 32-byte key.
import { readFileSync } from 'node:fs';

export type StoreConfig =
  | { kind: 'file' }
  | {
      kind: 'postgres';
      databaseUrl: string;
      /** The key new values are encrypted with. */
      encryptionKey: Buffer;
      /** Keys that still decrypt rows written before a rotation (until `npm run reencrypt`). */
      oldEncryptionKeys: Buffer[];
    };

export interface StoreEnv {
  SECRET_STORE: 'file' | 'postgres';
  DATABASE_URL?: string;
  SECRET_ENCRYPTION_KEY?: string;
  SECRET_ENCRYPTION_KEY_FILE?: string;
  SECRET_ENCRYPTION_OLD_KEYS?: string;
}

const fail = (message: string): never => {
  throw new Error(`invalid configuration:\n  ${message}`);
};

export function storeConfig(e: StoreEnv): StoreConfig {
  if (e.SECRET_STORE === 'file') return { kind: 'file' };
  if (!e.DATABASE_URL) fail('DATABASE_URL is required when SECRET_STORE=postgres (e.g. postgres://user:password@db:5432/certs)');
  if (e.SECRET_ENCRYPTION_KEY && e.SECRET_ENCRYPTION_KEY_FILE) fail('set SECRET_ENCRYPTION_KEY or SECRET_ENCRYPTION_KEY_FILE, not both');
  let encoded = e.SECRET_ENCRYPTION_KEY;
  let source = 'SECRET_ENCRYPTION_KEY';
  if (e.SECRET_ENCRYPTION_KEY_FILE) {
    source = 'SECRET_ENCRYPTION_KEY_FILE';
    try {
      encoded = readFileSync(e.SECRET_ENCRYPTION_KEY_FILE, 'utf8').trim();
    } catch (err) {
      fail(`SECRET_ENCRYPTION_KEY_FILE: cannot read ${e.SECRET_ENCRYPTION_KEY_FILE}: ${(err as Error).message}`);
    }
  }
  if (!encoded) fail('SECRET_ENCRYPTION_KEY (or SECRET_ENCRYPTION_KEY_FILE) is required when SECRET_STORE=postgres: base64 of 32 random bytes, e.g. `openssl rand -base64 32`');
  const encryptionKey = decodeKey(encoded!, source);
  const oldEncryptionKeys = (e.SECRET_ENCRYPTION_OLD_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((k, i) => decodeKey(k, `SECRET_ENCRYPTION_OLD_KEYS (entry ${i + 1})`));
  return { kind: 'postgres', databaseUrl: e.DATABASE_URL!, encryptionKey, oldEncryptionKeys };
}

/** Strict base64 of exactly 32 bytes: a truncated or mistyped key must not start the service. */
export function decodeKey(encoded: string, source: string): Buffer {
  const ok = /^[A-Za-z0-9+/]{43}=$/.test(encoded);
  if (!ok) fail(`${source}: must be the base64 of exactly 32 bytes (44 characters ending in "="), e.g. from \`openssl rand -base64 32\``);
  return Buffer.from(encoded, 'base64');
}
