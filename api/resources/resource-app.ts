// The sub-app of one resource kind, with its path parameters validated before any handler, for
// every verb. Guards (e.g. the Secret token check) run first on every path, so an unauthorized caller learns
// nothing about the names.
import { Hono, type MiddlewareHandler } from 'hono';
import { validPathParams } from './path-params.ts';

export interface ResourcePaths {
  /** All objects of the kind: across namespaces, or the cluster-scoped list. */
  all: string;
  /** The namespaced list; undefined for cluster-scoped kinds. */
  collection?: string;
  /** One object; sub-resources (renew) hang below it. */
  item: string;
}

export function resourcePaths(plural: string, namespaced: boolean): ResourcePaths {
  if (!namespaced) return { all: `/${plural}`, item: `/${plural}/:name` };
  return { all: `/${plural}`, collection: `/namespaces/:ns/${plural}`, item: `/namespaces/:ns/${plural}/:name` };
}

export function resourceApp(paths: ResourcePaths, ...guards: MiddlewareHandler[]): Hono {
  const app = new Hono();
  if (guards.length > 0) app.use(paths.all, ...guards);
  // Each request matches exactly one of these: the list, or the object and what hangs below it.
  if (paths.collection) app.use(paths.collection, ...guards, validPathParams);
  app.use(`${paths.item}/*`, ...guards, validPathParams);
  return app;
}
