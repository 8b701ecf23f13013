// Maps failures talking to Temporal onto Kubernetes Status answers.
import type { Context } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { grpcCode } from '../platform/grpc-code.ts';
import { missingMessage } from '../platform/search-attribute-setup.ts';
import { failureStatus, internalErrorStatus, serviceUnavailableStatus, type Status } from '../resources/status.ts';

export function statusResponse(c: Context, status: Status) {
  return c.json(status, status.code as 400);
}

export function temporalErrorStatus(err: unknown): Status {
  // The workflow's validator refused the apply (e.g. the resource is being deleted).
  if (err instanceof WorkflowUpdateFailedError) return failureStatus(409, 'Conflict', (err.cause as Error | undefined)?.message ?? err.message);
  if (err instanceof WorkflowNotFoundError) return internalErrorStatus(err.message);
  const code = grpcCode(err);
  // The namespace lacks our search attributes (a Temporal nobody set up): say what to do.
  // A start's ServiceError keeps the server's words in its cause ("Failed to start Workflow").
  const unmapped = /Namespace (\S+) has no mapping defined for search attribute (\w+)/.exec(messagesOf(err));
  if (unmapped) return serviceUnavailableStatus(missingMessage({ namespace: unmapped[1]!, namespaceExists: true, missing: [unmapped[2]!] }));
  // DEADLINE_EXCEEDED: Temporal took the request but no worker answered it in time.
  if (code === 4) return serviceUnavailableStatus(`no answer in time, is a worker running? ${(err as Error).message}`);
  if (code === 14) return serviceUnavailableStatus(`Temporal is unavailable: ${(err as Error).message}`);
  return internalErrorStatus((err as Error).message ?? String(err));
}

/** The error's message and those of its causes. */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as Error | undefined, depth = 0; e && depth < 5; e = e.cause as Error | undefined, depth++) parts.push(e.message ?? String(e));
  return parts.join(': ');
}
