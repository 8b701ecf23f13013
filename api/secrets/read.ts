// GET /api/v1/namespaces/{ns}/secrets/{name}: the stored Secret as Kubernetes shows it, data in
// base64. It includes tls.key, so only API_SECRETS_TOKEN may call it (see auth/access.ts); that
// check runs before the path parameters are looked at.
import type { Hono } from 'hono';
import { notFoundStatus } from '../../resources/status.ts';
import { requireSecretsToken } from '../auth/middleware.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse } from '../errors.ts';
import { resourceApp, resourcePaths } from '../resources/resource-app.ts';

/** Mounted at /api/v1. */
export function secretsApp(deps: ApiDeps): Hono {
  const paths = resourcePaths('secrets', true);
  const app = resourceApp(paths, requireSecretsToken(deps.config.api));
  app.get(paths.item, async (c) => {
    const ns = c.req.param('ns') ?? '';
    const name = c.req.param('name') ?? '';
    const secret = await deps.secrets.read(ns, name);
    if (!secret) return statusResponse(c, notFoundStatus('secrets', name));
    return c.json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: ns, labels: secret.meta.labels, annotations: secret.meta.annotations },
      type: secret.meta.type,
      data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, v.toString('base64')])),
    });
  });
  return app;
}
