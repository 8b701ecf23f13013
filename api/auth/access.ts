// Who may call what. API_TOKEN manages resources; API_SECRETS_TOKEN only reads Secrets (private
// keys), so a leaked management token does not leak keys and a sync agent cannot change anything.
// A scoped reader (API_SECRET_READERS_FILE) reaches the same Secret routes, and sees only the
// Secrets its rules name (secret-scope.ts).
import { forbiddenStatus as forbidden, unauthorizedStatus, type Status } from '../../resources/status.ts';
import { describeReader } from '../../platform/secret-readers.ts';
import type { Bearer, Tokens } from './bearer.ts';

export const PUBLIC_PATHS = new Set(['/healthz', '/readyz']);
/** One Secret, a namespace's Secrets, or all Secrets (lists and watches). */
const SECRET_READ_PATH = /^\/api\/v1\/(namespaces\/[^/]+\/secrets(\/[^/]+)?|secrets)$/;

export const isSecretPath = (path: string) => SECRET_READ_PATH.test(path);

/** The gate every request passes; undefined = go on. The Secret route checks again itself (secretAccess). */
export function requestAccess(path: string, bearer: Bearer, tokens: Tokens): Status | undefined {
  if (PUBLIC_PATHS.has(path)) return undefined;
  if (bearer === 'secrets') {
    return isSecretPath(path)
      ? undefined
      : forbidden('API_SECRETS_TOKEN only grants GET of /api/v1/namespaces/{namespace}/secrets[/{name}] and /api/v1/secrets; use API_TOKEN for everything else');
  }
  if (typeof bearer === 'object') {
    return isSecretPath(path) ? undefined : forbidden(`${describeReader(bearer.reader)} may only read, list and watch its Secrets under /api/v1`);
  }
  if (!tokens.apiToken) return undefined; // unauthenticated mode: loopback only, or explicitly allowed
  if (bearer === 'api') return undefined;
  return unauthorizedStatus();
}

/** The Secret routes return private keys: only API_SECRETS_TOKEN or a scoped reader may. */
export function secretAccess(bearer: Bearer, tokens: Tokens): Status | undefined {
  if (typeof bearer === 'object') return undefined;
  if (!tokens.apiSecretsToken && (tokens.secretReaders ?? []).length === 0)
    return forbidden('reading Secrets through the API is disabled: set API_SECRETS_TOKEN (or API_SECRETS_TOKEN_FILE) and send it as the bearer token');
  if (bearer === 'secrets' && tokens.apiSecretsToken) return undefined;
  if (bearer === 'api') return forbidden('API_TOKEN may not read Secrets: this endpoint needs API_SECRETS_TOKEN (or a token from API_SECRET_READERS_FILE) as the bearer token');
  return unauthorizedStatus();
}
