// Maps failures talking to Temporal onto Kubernetes Status answers.
import type { Context } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { failureStatus, internalErrorStatus, serviceUnavailableStatus, type Status } from '../resources/status.ts';

export function statusResponse(c: Context, status: Status) {
  return c.json(status, status.code as 400);
}

export function temporalErrorStatus(err: unknown): Status {
  // The workflow's validator refused the apply (e.g. the resource is being deleted).
  if (err instanceof WorkflowUpdateFailedError) return failureStatus(409, 'Conflict', (err.cause as Error | undefined)?.message ?? err.message);
  if (err instanceof WorkflowNotFoundError) return internalErrorStatus(err.message);
  const code = grpcCode(err);
  // DEADLINE_EXCEEDED: Temporal took the request but no worker answered it in time.
  if (code === 4) return serviceUnavailableStatus(`no answer in time, is a worker running? ${(err as Error).message}`);
  if (code === 14) return serviceUnavailableStatus(`Temporal is unavailable: ${(err as Error).message}`);
  return internalErrorStatus((err as Error).message ?? String(err));
}

// The client wraps gRPC errors (ServiceError) with the status code on the cause.
function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}
