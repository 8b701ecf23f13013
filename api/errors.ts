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
  const code = (err as { code?: number }).code;
  // gRPC UNAVAILABLE / DEADLINE_EXCEEDED: Temporal is not reachable right now.
  if (code === 14 || code === 4) return serviceUnavailableStatus(`Temporal is unavailable: ${(err as Error).message}`);
  return internalErrorStatus((err as Error).message ?? String(err));
}
