// GET /api/v1/namespaces/{ns}/secrets/{name}: the stored Secret as Kubernetes shows it, data in
// base64. It includes tls.key, so only API_SECRETS_TOKEN may call it (see auth/access.ts).
import { Hono } from 'hono';
import { dns1123LabelError, dns1123SubdomainError } from '../../resources/names.ts';
import { badRequestStatus, notFoundStatus } from '../../resources/status.ts';
import { requireSecretsToken } from '../auth/middleware.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse } from '../errors.ts';

export function secretRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.get('/api/v1/namespaces/:ns/secrets/:name', requireSecretsToken(deps.config.api), async (c) => {
    const { ns, name } = c.req.param();
    const bad = dns1123LabelError(ns) ?? dns1123SubdomainError(name);
    if (bad) return statusResponse(c, badRequestStatus(bad));
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
