// Kubernetes-style reads. Each object lives in its workflow: a Query returns it; lists come from
// visibility (search attributes) and then one Query per workflow.
import { Hono, type Context } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { dns1123LabelError, dns1123SubdomainError } from '../../resources/names.ts';
import { badRequestStatus, notFoundStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import { readableKind, type ReadableKind } from './kinds.ts';

export function readRoutes(deps: ApiDeps) {
  const app = new Hono();

  const handle = async (c: Context, group: string, plural: string, namespace: string, name?: string) => {
    const kind = readableKind(group, plural);
    if (!kind) return statusResponse(c, notFoundStatus(`${plural}.${group}`, name ?? ''));
    const bad = (namespace && dns1123LabelError(namespace)) || (name && dns1123SubdomainError(name));
    if (bad) return statusResponse(c, badRequestStatus(bad));
    try {
      if (name === undefined) return c.json({ apiVersion: `${group}/v1`, kind: `${kind.kind}List`, items: await list(deps, kind, namespace) });
      const object = await get(deps, kind, namespace, name);
      return object ? c.json(object) : statusResponse(c, notFoundStatus(`${plural}.${group}`, name));
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
  };

  app.get('/apis/:group/v1/namespaces/:ns/:plural', (c) => handle(c, c.req.param('group'), c.req.param('plural'), c.req.param('ns')));
  app.get('/apis/:group/v1/namespaces/:ns/:plural/:name', (c) =>
    handle(c, c.req.param('group'), c.req.param('plural'), c.req.param('ns'), c.req.param('name')),
  );
  app.get('/apis/:group/v1/:plural', (c) => handle(c, c.req.param('group'), c.req.param('plural'), ''));
  app.get('/apis/:group/v1/:plural/:name', (c) => handle(c, c.req.param('group'), c.req.param('plural'), '', c.req.param('name')));
  return app;
}

export async function get(deps: ApiDeps, kind: ReadableKind, namespace: string, name: string): Promise<unknown> {
  const handle = deps.client.workflow.getHandle(kind.workflowId(namespace, name));
  try {
    if (kind.entity) {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING' && status.name !== 'CONTINUED_AS_NEW') return undefined;
    }
    return (await queryWithin(deps, () => handle.query(kind.query))) ?? undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

async function list(deps: ApiDeps, kind: ReadableKind, namespace: string): Promise<unknown[]> {
  const filters = [`CertManagerKind = '${kind.kind}'`];
  if (kind.kind !== 'ClusterIssuer') filters.push(`CertManagerNamespace = '${namespace}'`);
  if (kind.entity) filters.push(`ExecutionStatus = 'Running'`);
  const seen = new Set<string>();
  const handles = [];
  // Visibility lists newest first; a retried request reuses its ID, and the newest run wins.
  for await (const wf of deps.client.workflow.list({ query: filters.join(' AND ') })) {
    if (seen.has(wf.workflowId)) continue;
    seen.add(wf.workflowId);
    handles.push(deps.client.workflow.getHandle(wf.workflowId, wf.runId));
  }
  const objects = (await Promise.all(handles.map((h) => queryWithin(deps, () => h.query(kind.query)).catch(() => undefined)))).filter(
    (o) => o !== undefined,
  );
  const kept = kind.kind === 'CertificateRequest' ? await withinRevisionHistory(deps, namespace, objects as RequestLike[]) : objects;
  return kept.sort((a, b) => name(a).localeCompare(name(b)));
}

interface RequestLike {
  metadata: { name: string; annotations?: Record<string, string> };
}

// cert-manager keeps only the last revisionHistoryLimit requests of a Certificate (and none once
// it is deleted); older request workflows stay in Temporal's history but are not listed.
async function withinRevisionHistory(deps: ApiDeps, namespace: string, requests: RequestLike[]): Promise<RequestLike[]> {
  const certKind = readableKind('cert-manager.io', 'certificates')!;
  const certs = new Map<string, Promise<unknown>>();
  const kept: RequestLike[] = [];
  for (const r of requests) {
    const owner = r.metadata.annotations?.['cert-manager.io/certificate-name'] ?? '';
    if (!certs.has(owner)) certs.set(owner, get(deps, certKind, namespace, owner).catch(() => undefined));
    const cert = (await certs.get(owner)) as { spec: { revisionHistoryLimit?: number }; status: { revision?: number; currentRequest?: string } } | undefined;
    if (!cert) continue;
    const revision = Number(r.metadata.annotations?.['cert-manager.io/certificate-revision'] ?? 0);
    const limit = cert.spec.revisionHistoryLimit ?? 1;
    if (r.metadata.name === cert.status.currentRequest || revision > (cert.status.revision ?? 0) - limit) kept.push(r);
  }
  return kept;
}

// A query needs a worker to answer; with none running it would wait on the server's long
// timeout. An API read should fail fast (503) instead.
const QUERY_DEADLINE_MS = 10_000;
function queryWithin<T>(deps: ApiDeps, fn: () => Promise<T>): Promise<T> {
  return deps.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, fn);
}

const name = (o: unknown) => (o as { metadata?: { name?: string } }).metadata?.name ?? '';
