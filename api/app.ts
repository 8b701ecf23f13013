// The API: one flat hono app built from one router per feature.
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { failureStatus, internalErrorStatus, unauthorizedStatus } from '../resources/status.ts';
import type { ApiDeps } from './deps.ts';
import { statusResponse } from './errors.ts';
import { healthRoutes } from './health/routes.ts';
import { applyRoutes } from './manifests/apply.ts';
import { deleteRoutes } from './resources/delete.ts';
import { readRoutes } from './resources/read.ts';
import { renewRoutes } from './resources/renew.ts';
import { secretRoutes } from './secrets/read.ts';

const PUBLIC = new Set(['/healthz', '/readyz']);

export function createApp(deps: ApiDeps) {
  const app = new Hono();
  const token = deps.config.apiToken;
  if (token) {
    const expected = Buffer.from(`Bearer ${token}`);
    app.use('*', async (c, next) => {
      if (PUBLIC.has(c.req.path)) return next();
      const got = Buffer.from(c.req.header('authorization') ?? '');
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) return statusResponse(c, unauthorizedStatus());
      return next();
    });
  }
  app.route('/', healthRoutes(deps));
  app.route('/', applyRoutes(deps));
  app.route('/', renewRoutes(deps));
  app.route('/', deleteRoutes(deps));
  app.route('/', readRoutes(deps));
  app.route('/', secretRoutes(deps));
  app.notFound((c) => statusResponse(c, failureStatus(404, 'NotFound', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    deps.log.error({ err }, 'request failed');
    return statusResponse(c, internalErrorStatus(err.message));
  });
  return app;
}
