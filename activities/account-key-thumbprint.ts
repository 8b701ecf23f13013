// RFC 7638 JWK thumbprint of an account key's public half. It names the key without revealing
// it, so the Issuer can keep it in its history and notice when the key Secret is replaced.
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';

// The required members of each key type, in the lexicographic order RFC 7638 section 3.2 asks for.
const MEMBERS: Record<string, string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = MEMBERS[jwk.kty ?? ''];
  if (!members) throw new Error(`unsupported account key type ${jwk.kty}`);
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Thumbprint of a PEM private (or public) key. */
export function accountKeyThumbprint(pem: Buffer | string): string {
  return jwkThumbprint(createPublicKey(pem).export({ format: 'jwk' }));
}
