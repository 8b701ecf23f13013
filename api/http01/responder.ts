// The HTTP-01 responder: what the ACME CA fetches. It reads what the worker presented from the
// shared data directory, so the worker may run in another process.
import { Hono } from 'hono';
import type { Http01TokenStore } from '../../platform/http01-store.ts';

export function http01App(store: Http01TokenStore) {
  const app = new Hono();
  app.get('/.well-known/acme-challenge/:token', async (c) => {
    const key = await store.get(c.req.param('token'));
    if (key === undefined) return c.text('not found', 404);
    return c.text(key, 200, { 'content-type': 'text/plain' });
  });
  app.all('*', (c) => c.text('not found', 404));
  return app;
}
