// One sub-app per resource kind, each mounted by api/app.ts at its group's prefix
// (/apis/cert-manager.io/v1, /apis/acme.cert-manager.io/v1). Every kind reads as Kubernetes
// does (list across namespaces, list in one, get one); Certificates, Issuers and ClusterIssuers
// can be deleted, and Certificates renewed.
import type { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { deleteHandler } from './delete.ts';
import { kinds, type ReadableKind } from './kinds.ts';
import { getHandler, listHandler } from './read.ts';
import { renewHandler } from './renew.ts';
import { resourceApp, resourcePaths, type ResourcePaths } from './resource-app.ts';

export const CERT_MANAGER_V1 = '/apis/cert-manager.io/v1';
export const ACME_V1 = '/apis/acme.cert-manager.io/v1';

function readable(deps: ApiDeps, kind: ReadableKind): { app: Hono; paths: ResourcePaths } {
  const paths = resourcePaths(kind.plural, kind.namespaced);
  const app = resourceApp(paths);
  app.get(paths.all, listHandler(deps, kind));
  if (paths.collection) app.get(paths.collection, listHandler(deps, kind));
  app.get(paths.item, getHandler(deps, kind));
  return { app, paths };
}

export function certificatesApp(deps: ApiDeps): Hono {
  const { app, paths } = readable(deps, kinds.certificates);
  app.delete(paths.item, deleteHandler(deps, kinds.certificates));
  app.post(`${paths.item}/renew`, renewHandler(deps));
  return app;
}

export function issuersApp(deps: ApiDeps): Hono {
  const { app, paths } = readable(deps, kinds.issuers);
  app.delete(paths.item, deleteHandler(deps, kinds.issuers));
  return app;
}

export function clusterIssuersApp(deps: ApiDeps): Hono {
  const { app, paths } = readable(deps, kinds.clusterissuers);
  app.delete(paths.item, deleteHandler(deps, kinds.clusterissuers));
  return app;
}

export const certificateRequestsApp = (deps: ApiDeps): Hono => readable(deps, kinds.certificaterequests).app;
export const ordersApp = (deps: ApiDeps): Hono => readable(deps, kinds.orders).app;
export const challengesApp = (deps: ApiDeps): Hono => readable(deps, kinds.challenges).app;
