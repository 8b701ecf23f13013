// Who may call what. API_TOKEN manages resources; API_SECRETS_TOKEN only reads Secrets (private
// keys), so a leaked management token does not leak keys and a sync agent cannot change anything.
import { forbiddenStatus as forbidden, unauthorizedStatus, type Status } from '../../resources/status.ts';
import type { Bearer, Tokens } from './bearer.ts';

export const PUBLIC_PATHS = new Set(['/healthz', '/readyz']);
const SECRET_PATH = /^\/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/;

export const isSecretPath = (path: string) => SECRET_PATH.test(path);

/** The gate every request passes; undefined = go on. The Secret route checks again itself (secretAccess). */
export function requestAccess(path: string, bearer: Bearer, tokens: Tokens): Status | undefined {
  if (PUBLIC_PATHS.has(path)) return undefined;
  if (bearer === 'secrets') {
    return isSecretPath(path) ? undefined : forbidden('API_SECRETS_TOKEN only grants GET /api/v1/namespaces/{namespace}/secrets/{name}; use API_TOKEN for everything else');
  }
  if (!tokens.apiToken) return undefined; // unauthenticated mode: loopback only, or explicitly allowed
  if (bearer === 'api') return undefined;
  return unauthorizedStatus();
}

/** GET /api/v1/namespaces/{ns}/secrets/{name} returns private keys: only API_SECRETS_TOKEN may. */
export function secretAccess(bearer: Bearer, tokens: Tokens): Status | undefined {
  if (!tokens.apiSecretsToken) return forbidden('reading Secrets through the API is disabled: set API_SECRETS_TOKEN (or API_SECRETS_TOKEN_FILE) and send it as the bearer token');
  if (bearer === 'secrets') return undefined;
  if (bearer === 'api') return forbidden('API_TOKEN may not read Secrets: this endpoint needs API_SECRETS_TOKEN as the bearer token');
  return unauthorizedStatus();
}
