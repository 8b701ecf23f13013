// Liveness and readiness: /readyz says whether Temporal answers.
import { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';

export function healthRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.client.connection.workflowService.getSystemInfo({}, );
      return c.json({ status: 'ok', temporal: 'reachable' });
    } catch (err) {
      return c.json({ status: 'unavailable', temporal: (err as Error).message }, 503);
    }
  });
  return app;
}
