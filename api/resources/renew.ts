// POST .../certificates/{name}/renew: cert-manager's `cmctl renew`, as a signal to the
// Certificate workflow.
import type { Handler } from 'hono';
import { renewCertificate } from '../../resources/messages.ts';
import { notFoundStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import { kinds } from './kinds.ts';
import { getPublished as get } from './published.ts';

export function renewHandler(deps: ApiDeps): Handler {
  const kind = kinds.certificates;
  return async (c) => {
    const ns = c.req.param('ns') ?? '';
    const name = c.req.param('name') ?? '';
    try {
      if (!(await get(deps, kind, ns, name))) return statusResponse(c, notFoundStatus(`${kind.plural}.${kind.group}`, name));
      await deps.client.workflow.getHandle(kind.workflowId(ns, name)).signal(renewCertificate);
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: `renewal of certificate ${ns}/${name} requested`, code: 202 }, 202);
  };
}
