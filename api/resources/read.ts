// Kubernetes-style reads, served from what each resource workflow publishes (published.ts), so
// they keep working with every worker stopped. Lists take `limit`/`continue` and `labelSelector`
// as Kubernetes does; `/apis/<group>/v1/<plural>` lists across all namespaces. Path parameters
// arrive valid (path-params.ts).
import type { Context, Handler } from 'hono';
import { dns1123LabelError } from '../../resources/names.ts';
import { labelSelectorQuery } from '../../resources/label-selector.ts';
import { KIND, NAMESPACE } from '../../resources/search-attributes.ts';
import { badRequestStatus, notFoundStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import type { ReadableKind } from './kinds.ts';
import { getPublished, listPublished, MAX_PAGE, type Page } from './published.ts';

/** GET of one object. */
export function getHandler(deps: ApiDeps, kind: ReadableKind): Handler {
  return async (c) => {
    const name = c.req.param('name') ?? '';
    try {
      const object = await getPublished(deps, kind, c.req.param('ns') ?? '', name);
      return object ? c.json(object) : statusResponse(c, notFoundStatus(`${kind.plural}.${kind.group}`, name));
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
  };
}

/** GET of a list: one namespace's, or (without a namespace in the path) all of them. */
export function listHandler(deps: ApiDeps, kind: ReadableKind): Handler {
  return async (c) => {
    const params = listParams(c);
    if (typeof params === 'string') return statusResponse(c, badRequestStatus(params));
    try {
      const page = await list(deps, kind, c.req.param('ns') ?? '', params);
      return c.json({ apiVersion: `${kind.group}/v1`, kind: `${kind.kind}List`, metadata: page.continue ? { continue: page.continue } : {}, items: page.items });
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
  };
}

interface ListParams {
  limit?: number;
  continue?: string;
  labelQuery: string;
}

function listParams(c: Context): ListParams | string {
  const rawLimit = c.req.query('limit');
  const limit = rawLimit === undefined || rawLimit === '' ? undefined : Number(rawLimit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) return `limit: must be a positive integer, got "${rawLimit}"`;
  const token = c.req.query('continue') || undefined;
  if (token !== undefined && !/^[A-Za-z0-9_-]{1,4096}$/.test(token)) return 'continue: not a token this API returned';
  const selector = labelSelectorQuery(c.req.query('labelSelector') ?? '');
  if (!selector.ok) return selector.message;
  return { limit: limit === undefined ? undefined : Math.min(limit, MAX_PAGE), continue: token, labelQuery: selector.query };
}

async function list(deps: ApiDeps, kind: ReadableKind, namespace: string, params: ListParams): Promise<Page> {
  const filters = [`${KIND.name} = '${kind.kind}'`];
  // Namespaces are checked (DNS-1123, path-params.ts) before they get here; checked again because
  // one that skipped the middleware could break out of the quotes.
  if (namespace && dns1123LabelError(namespace)) throw new Error(`namespace ${JSON.stringify(namespace)} reached a list query unchecked`);
  if (kind.kind !== 'ClusterIssuer' && namespace) filters.push(`${NAMESPACE.name} = '${namespace}'`);
  if (kind.entity) filters.push(`ExecutionStatus = 'Running'`);
  if (params.labelQuery) filters.push(params.labelQuery);
  const page = await listPublished(deps, kind, filters.join(' AND '), params.limit, params.continue);
  // Requests beyond a Certificate's revisionHistoryLimit, and those of deleted Certificates, are
  // deleted with their Orders and Challenges (activities/request-history.ts): nothing to filter.
  return { ...page, items: page.items.sort((a, b) => key(a).localeCompare(key(b))) };
}

const key = (o: unknown) => {
  const m = (o as { metadata?: { name?: string; namespace?: string } }).metadata;
  return `${m?.namespace ?? ''}/${m?.name ?? ''}`;
};
