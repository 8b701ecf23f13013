// The path parameters of resource URLs, checked once for every verb by a middleware that each
// kind's sub-app installs (resource-app.ts). Kubernetes' name rules: a name no object can have is
// a 400 that names the parameter, and nothing malformed reaches a workflow ID or a visibility query.
import type { MiddlewareHandler } from 'hono';
import { dns1123LabelError, dns1123SubdomainError } from '../../resources/names.ts';
import { badRequestStatus } from '../../resources/status.ts';
import { statusResponse } from '../errors.ts';

const RULES: Record<string, { what: string; error: (value: string) => string | undefined }> = {
  ns: { what: 'namespace', error: dns1123LabelError },
  name: { what: 'name', error: dns1123SubdomainError },
};

/** The order parameters are checked in, so the outermost one is reported first. */
const ORDER = ['ns', 'name'];
const MAX_SHOWN = 64;

/** Why a path parameter is refused, naming it; undefined when it is valid or not a checked one. */
export function pathParamError(param: string, value: string): string | undefined {
  const rule = RULES[param];
  const why = rule?.error(value);
  if (!rule || !why) return undefined;
  const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
  return `invalid ${rule.what} ${JSON.stringify(shown)} in the path: ${why}`;
}

export const validPathParams: MiddlewareHandler = async (c, next) => {
  const params: Record<string, string> = c.req.param();
  for (const param of ORDER) {
    const bad = params[param] === undefined ? undefined : pathParamError(param, params[param]);
    if (bad) return statusResponse(c, badRequestStatus(bad));
  }
  await next();
};
