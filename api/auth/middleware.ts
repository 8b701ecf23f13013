// hono middleware around the pure decisions in access.ts and cross-site.ts.
import type { MiddlewareHandler } from 'hono';
import { forbiddenStatus } from '../../resources/status.ts';
import { statusResponse } from '../errors.ts';
import { requestAccess, secretAccess } from './access.ts';
import { bearerOf, type Tokens } from './bearer.ts';
import { crossSiteReason } from './cross-site.ts';
import { foreignHostReason } from './loopback-host.ts';

export function refuseCrossSite(): MiddlewareHandler {
  return async (c, next) => {
    const reason = crossSiteReason(c.req.method, { secFetchSite: c.req.header('sec-fetch-site'), origin: c.req.header('origin'), host: c.req.header('host') });
    return reason ? statusResponse(c, forbiddenStatus(reason)) : next();
  };
}

/** Unauthenticated (loopback) mode: requests addressed to another name are DNS rebinding. */
export function refuseForeignHost(c: { apiToken?: string; allowUnauthenticated: boolean }): MiddlewareHandler {
  return async (ctx, next) => {
    const reason = foreignHostReason(ctx.req.header('host'), c);
    return reason ? statusResponse(ctx, forbiddenStatus(reason)) : next();
  };
}

export function authenticate(tokens: Tokens): MiddlewareHandler {
  return async (c, next) => {
    const refused = requestAccess(c.req.path, bearerOf(c.req.header('authorization'), tokens), tokens);
    return refused ? statusResponse(c, refused) : next();
  };
}

/** On the Secret route itself, so no path spelling that slips past authenticate() reaches the keys. */
export function requireSecretsToken(tokens: Tokens): MiddlewareHandler {
  return async (c, next) => {
    const refused = secretAccess(bearerOf(c.req.header('authorization'), tokens), tokens);
    return refused ? statusResponse(c, refused) : next();
  };
}
