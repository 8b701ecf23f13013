// Liveness and readiness: /readyz is ready only when Temporal answers, the namespace exists and
// the service's search attributes are registered on it; otherwise it says which is missing.
import { Hono } from 'hono';
import { checkSearchAttributes, missingMessage } from '../../platform/search-attribute-setup.ts';
import type { ApiDeps } from '../deps.ts';

export function healthRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const { connection } = deps.client;
    const namespace = deps.config.temporal.namespace;
    try {
      await connection.workflowService.getSystemInfo({});
    } catch (err) {
      return c.json({ status: 'unavailable', temporal: (err as Error).message }, 503);
    }
    try {
      const check = await checkSearchAttributes(connection, namespace);
      if (!check.namespaceExists) {
        return c.json({ status: 'unavailable', temporal: 'reachable', namespace: 'missing', message: `Temporal namespace "${namespace}" does not exist` }, 503);
      }
      if (check.missing.length > 0) {
        return c.json({ status: 'unavailable', temporal: 'reachable', namespace: 'exists', missingSearchAttributes: check.missing, message: missingMessage(check) }, 503);
      }
    } catch (err) {
      return c.json({ status: 'unavailable', temporal: 'reachable', namespace: (err as Error).message }, 503);
    }
    return c.json({ status: 'ok', temporal: 'reachable', namespace: 'exists', searchAttributes: 'registered' });
  });
  return app;
}
