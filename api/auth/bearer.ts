// Which configured token, if any, an Authorization header carries. Digests of equal length are
// compared in constant time, so neither the token's content nor its length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Bearer = 'api' | 'secrets' | 'none' | 'unknown';

export interface Tokens {
  apiToken?: string;
  apiSecretsToken?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function sameToken(given: string, expected: string | undefined): boolean {
  return expected !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export function bearerOf(authorization: string | undefined, tokens: Tokens): Bearer {
  if (!authorization) return 'none';
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) return 'unknown';
  const given = match[1]!;
  // Both comparisons always run: which one matched must not show in the timing either.
  const api = sameToken(given, tokens.apiToken);
  const secrets = sameToken(given, tokens.apiSecretsToken);
  if (api) return 'api';
  if (secrets) return 'secrets';
  return 'unknown';
}
