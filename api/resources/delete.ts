// DELETE for Certificates, Issuers and ClusterIssuers: a signal that ends the entity workflow.
// The answer waits (bounded) for the workflow to finish, so a 200 means any in-flight issuance
// was cancelled and its challenges cleaned up.
import type { Handler } from 'hono';
import type { WorkflowHandle } from '@temporalio/client';
import { deleteCertificate, deleteIssuer } from '../../resources/messages.ts';
import { notFoundStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import type { ReadableKind } from './kinds.ts';
import { getPublished as get } from './published.ts';

const WAIT_MS = 60_000;

export function deleteHandler(deps: ApiDeps, kind: ReadableKind): Handler {
  return async (c) => {
    const namespace = c.req.param('ns') ?? '';
    const name = c.req.param('name') ?? '';
    try {
      if (!(await get(deps, kind, namespace, name))) return statusResponse(c, notFoundStatus(`${kind.plural}.${kind.group}`, name));
      const handle = deps.client.workflow.getHandle(kind.workflowId(namespace, name));
      if (kind.kind === 'Certificate') await handle.signal(deleteCertificate, { deleteSecret: c.req.query('deleteSecret') === 'true' });
      else await handle.signal(deleteIssuer);
      const finished = await finishedWithin(handle, WAIT_MS);
      const details = { name, group: kind.group, kind: kind.plural };
      return finished
        ? c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 })
        : c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: 'deletion in progress', details, code: 202 }, 202);
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
  };
}

async function finishedWithin(handle: WorkflowHandle, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([handle.result().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
