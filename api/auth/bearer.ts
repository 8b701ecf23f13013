// Which configured token, if any, an Authorization header carries. Digests of equal length are
// compared in constant time, so neither the token's content nor its length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretReader } from '../../platform/secret-readers.ts';

/** A scoped Secret reader is named by its configuration entry. */
export type Bearer = 'api' | 'secrets' | 'none' | 'unknown' | { reader: SecretReader };

export interface Tokens {
  apiToken?: string;
  apiSecretsToken?: string;
  secretReaders?: SecretReader[];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

// The configured tokens' digests, made once rather than at every request: with a reader token per
// web server, each request would hash every one of them. The lookup depends on the configured
// token alone, never on what the request sent. Bounded, as a reloaded readers file brings new ones.
const configured = new Map<string, Buffer>();
function configuredDigest(token: string): Buffer {
  let d = configured.get(token);
  if (!d) {
    if (configured.size >= 10_000) configured.clear();
    configured.set(token, (d = digest(token)));
  }
  return d;
}

function sameToken(given: Buffer, expected: string | undefined): boolean {
  return expected !== undefined && timingSafeEqual(given, configuredDigest(expected));
}

export function bearerOf(authorization: string | undefined, tokens: Tokens): Bearer {
  if (!authorization) return 'none';
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) return 'unknown';
  const given = digest(match[1]!);
  // Both comparisons always run: which one matched must not show in the timing either.
  const api = sameToken(given, tokens.apiToken);
  const secrets = sameToken(given, tokens.apiSecretsToken);
  let reader: SecretReader | undefined;
  for (const r of tokens.secretReaders ?? []) if (sameToken(given, r.token)) reader = r;
  if (api) return 'api';
  if (secrets) return 'secrets';
  if (reader) return { reader };
  return 'unknown';
}
