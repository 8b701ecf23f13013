// The API: one hono app behind the safety gates (cross-site refusal, bearer tokens, body size),
// with a sub-app per feature and one per resource kind (resources/routes.ts).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { failureStatus, internalErrorStatus, serviceUnavailableStatus, tooLargeStatus } from '../resources/status.ts';
import { authenticate, refuseCrossSite, refuseForeignHost } from './auth/middleware.ts';
import type { ApiDeps } from './deps.ts';
import { statusResponse } from './errors.ts';
import { healthRoutes } from './health/routes.ts';
import { applyRoutes } from './manifests/apply.ts';
import { ACME_V1, CERT_MANAGER_V1, certificateRequestsApp, certificatesApp, challengesApp, clusterIssuersApp, issuersApp, ordersApp } from './resources/routes.ts';
import { secretsApp } from './secrets/read.ts';

export function createApp(deps: ApiDeps) {
  const app = new Hono();
  const { maxBodyBytes } = deps.config.api;
  // A request that arrives on a kept-alive connection while the API stops (a watcher reconnecting
  // at once) gets a 503 and the connection closed, so stopping does not wait for it for good.
  app.use('*', async (c, next) => {
    if (!deps.stopping?.aborted) return next();
    c.header('connection', 'close');
    return statusResponse(c, serviceUnavailableStatus('the API is stopping'));
  });
  app.use('*', refuseCrossSite());
  app.use('*', refuseForeignHost(deps.config.api));
  app.use('*', authenticate(deps.config.api));
  // Checks Content-Length before reading, and counts a chunked body as it streams.
  // The rest of the body is never read, so the connection cannot carry another request.
  const tooLarge = tooLargeStatus(`request body is larger than API_MAX_BODY_BYTES (${maxBodyBytes} bytes)`);
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      c.header('connection', 'close');
      return statusResponse(c, tooLarge);
    },
  });
  // A request with neither header has no body (RFC 9112, 6.3). Asking the node adapter for the body
  // of every GET built a whole fetch Request for it: 60–80 µs of CPU per read, a third of what a
  // GET cost client and server together.
  app.use('*', (c, next) => (c.req.header('content-length') === undefined && c.req.header('transfer-encoding') === undefined ? next() : limitBody(c, next)));
  app.route('/', healthRoutes(deps));
  app.route('/', applyRoutes(deps));
  app.route(CERT_MANAGER_V1, certificatesApp(deps));
  app.route(CERT_MANAGER_V1, certificateRequestsApp(deps));
  app.route(CERT_MANAGER_V1, issuersApp(deps));
  app.route(CERT_MANAGER_V1, clusterIssuersApp(deps));
  app.route(ACME_V1, ordersApp(deps));
  app.route(ACME_V1, challengesApp(deps));
  app.route('/api/v1', secretsApp(deps));
  app.notFound((c) => statusResponse(c, failureStatus(404, 'NotFound', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    deps.log.error({ err }, 'request failed');
    return statusResponse(c, internalErrorStatus(err.message));
  });
  return app;
}
