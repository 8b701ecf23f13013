// Reads what resource workflows publish in their memo (resources/memo.ts): describe for one
// object, one visibility query per page for lists. Temporal answers both without a worker. Runs
// that predate the memo are read with a query instead, which needs a worker.
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { GRPC_NOT_FOUND, grpcCode } from '../../platform/grpc-code.ts';
import { OBJECT_MEMO } from '../../resources/memo.ts';
import type { ApiDeps } from '../deps.ts';
import type { ReadableKind } from './kinds.ts';

// temporal.api.enums.v1.WorkflowExecutionStatus: RUNNING and CONTINUED_AS_NEW.
const LIVE = new Set<number>([1, 6]);

/** The largest page Temporal serves by default (frontend.visibilityMaxPageSize): the cap of `limit`, and the page read when there is none. */
export const MAX_PAGE = 1000;

export async function getPublished(deps: ApiDeps, kind: ReadableKind, namespace: string, name: string): Promise<unknown> {
  const workflowId = kind.workflowId(namespace, name);
  const info = await describedRun(deps, workflowId);
  // A deleted Issuer or Certificate ends its workflow; the object is gone with it.
  if (!info || (kind.entity && !LIVE.has(info.status ?? 0))) return undefined;
  const payload = info.memo?.fields?.[OBJECT_MEMO];
  if (payload) return defaultPayloadConverter.fromPayload(payload);
  try {
    return await queryObject(deps, kind, deps.client.workflow.getHandle(workflowId));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The latest run's execution info, or undefined when there is none. The service call rather than
 * the handle's describe(), which also decodes every search attribute twice and the rest of the
 * memo: a quarter of a GET's Temporal client CPU.
 */
async function describedRun(deps: ApiDeps, workflowId: string) {
  try {
    const described = await deps.client.workflowService.describeWorkflowExecution({ namespace: deps.config.temporal.namespace, execution: { workflowId } });
    return described.workflowExecutionInfo ?? undefined;
  } catch (err) {
    if (grpcCode(err) === GRPC_NOT_FOUND) return undefined;
    throw err;
  }
}

export interface Page {
  items: unknown[];
  /** Opaque token for the next page (Kubernetes' metadata.continue), absent on the last page. */
  continue?: string;
}

export async function listPublished(deps: ApiDeps, kind: ReadableKind, query: string, limit: number | undefined, token: string | undefined): Promise<Page> {
  const seen = new Set<string>();
  const items: unknown[] = [];
  let nextPageToken: Uint8Array | undefined = token ? Buffer.from(token, 'base64url') : undefined;
  do {
    const page = await deps.client.workflowService.listWorkflowExecutions({
      namespace: deps.config.temporal.namespace,
      query,
      // Reading everything: the largest pages, each one SQLite or SQL query; 1,000 memos of a few
      // KiB stay far below the client's 128 MiB message limit.
      pageSize: limit ?? MAX_PAGE,
      nextPageToken,
    });
    const objects = await Promise.all(
      (page.executions ?? []).map(async (e) => {
        const id = e.execution?.workflowId ?? '';
        // Visibility lists newest first; a retried start reuses its ID, and the newest run wins.
        if (seen.has(id)) return undefined;
        seen.add(id);
        const payload = e.memo?.fields?.[OBJECT_MEMO];
        if (payload) return defaultPayloadConverter.fromPayload(payload);
        return queryObject(deps, kind, deps.client.workflow.getHandle(id, e.execution?.runId ?? undefined)).catch(() => undefined);
      }),
    );
    items.push(...objects.filter((o) => o !== undefined));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (limit === undefined && nextPageToken);
  return { items, continue: nextPageToken ? Buffer.from(nextPageToken).toString('base64url') : undefined };
}

// A query needs a worker to answer; with none running it would wait on the server's long
// timeout. An API read should fail fast (503) instead.
const QUERY_DEADLINE_MS = 10_000;
function queryObject(deps: ApiDeps, kind: ReadableKind, handle: WorkflowHandle): Promise<unknown> {
  return deps.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(kind.query));
}
