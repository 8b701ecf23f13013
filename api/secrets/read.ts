// The Secret routes under /api/v1: GET of one Secret (namespaces/{ns}/secrets/{name}), of a
// namespace's Secrets (namespaces/{ns}/secrets) and of all (secrets), the lists with
// `labelSelector`, `fieldSelector` and `watch=true` (watch-stream.ts). They return private keys,
// so only API_SECRETS_TOKEN (everything) or a scoped reader (its Secrets) may call them; that check
// runs before the path parameters are looked at, and the scope decides what the caller sees
// (auth/secret-scope.ts).
import type { Context, Hono } from 'hono';
import { labelsMatch } from '../../resources/label-selector.ts';
import { badRequestStatus, notFoundStatus } from '../../resources/status.ts';
import { bearerOf } from '../auth/bearer.ts';
import { requireSecretsToken } from '../auth/middleware.ts';
import { itemRefusal, listRefusal, viewerOf, visibleTo } from '../auth/secret-scope.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse } from '../errors.ts';
import { resourceApp, resourcePaths } from '../resources/resource-app.ts';
import { secretFilter, secretObject } from './secret-object.ts';
import { SecretWatchHub } from './watch-hub.ts';
import { watchStream } from './watch-stream.ts';

/** Mounted at /api/v1. */
export function secretsApp(deps: ApiDeps): Hono {
  const paths = resourcePaths('secrets', true);
  const app = resourceApp(paths, requireSecretsToken(deps.config.api));
  const hub = new SecretWatchHub(deps.secrets, deps.log);
  const viewer = (c: Context) => viewerOf(bearerOf(c.req.header('authorization'), deps.config.api));

  app.get(paths.item, async (c) => {
    const ns = c.req.param('ns') ?? '';
    const name = c.req.param('name') ?? '';
    const who = viewer(c);
    const before = itemRefusal(who, ns, name);
    if (before) return statusResponse(c, before);
    const secret = await deps.secrets.read(ns, name);
    if (!secret) return statusResponse(c, notFoundStatus('secrets', name));
    const after = itemRefusal(who, ns, name, { labels: secret.meta.labels });
    if (after) return statusResponse(c, after);
    return c.json(secretObject(ns, name, secret));
  });

  const list = async (c: Context) => {
    const who = viewer(c);
    const pathNs = c.req.param('ns');
    const filter = secretFilter(c.req.query('labelSelector'), c.req.query('fieldSelector'));
    if (typeof filter === 'string') return statusResponse(c, badRequestStatus(filter));
    if (pathNs !== undefined && filter.namespace !== undefined && filter.namespace !== pathNs) {
      return statusResponse(c, badRequestStatus(`fieldSelector: metadata.namespace=${filter.namespace} contradicts the namespace in the path (${pathNs})`));
    }
    const ns = pathNs ?? filter.namespace;
    const refused = listRefusal(who, ns);
    if (refused) return statusResponse(c, refused);
    // A scoped reader's watch must not read (for PostgreSQL: decrypt) every Secret on every change.
    const candidate = (namespace: string, name: string) => (filter.name === undefined || filter.name === name) && itemRefusal(who, namespace, name) === undefined;
    const wanted = (namespace: string, name: string, labels: Record<string, string> | undefined) =>
      (filter.name === undefined || filter.name === name) && labelsMatch(filter.labels, labels) && visibleTo(who, namespace, name, labels);
    const watch = c.req.query('watch');
    if (watch === 'true' || watch === '1') {
      const stream = watchStream({ store: deps.secrets, hub, log: deps.log, namespace: ns, candidate, wanted, stopping: deps.stopping });
      return c.body(stream, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    }
    const items = [];
    for (const ref of await deps.secrets.list(ns)) {
      if (!candidate(ref.namespace, ref.name)) continue;
      const secret = await deps.secrets.read(ref.namespace, ref.name);
      if (secret && wanted(ref.namespace, ref.name, secret.meta.labels)) items.push(secretObject(ref.namespace, ref.name, secret));
    }
    return c.json({ apiVersion: 'v1', kind: 'SecretList', metadata: {}, items });
  };
  app.get(paths.collection!, list);
  app.get(paths.all, list);
  return app;
}
