// POST .../certificates/{name}/renew: cert-manager's `cmctl renew`, as a signal to the
// Certificate workflow.
import { Hono } from 'hono';
import { certificateWorkflowId } from '../../resources/ids.ts';
import { renewCertificate } from '../../resources/messages.ts';
import { notFoundStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import { getPublished as get } from './published.ts';
import { readableKind } from './kinds.ts';

export function renewRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.post('/apis/cert-manager.io/v1/namespaces/:ns/certificates/:name/renew', async (c) => {
    const { ns, name } = c.req.param();
    try {
      if (!(await get(deps, readableKind('cert-manager.io', 'certificates')!, ns, name))) {
        return statusResponse(c, notFoundStatus('certificates.cert-manager.io', name));
      }
      await deps.client.workflow.getHandle(certificateWorkflowId(ns, name)).signal(renewCertificate);
    } catch (err) {
      return statusResponse(c, temporalErrorStatus(err));
    }
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: `renewal of certificate ${ns}/${name} requested`, code: 202 }, 202);
  });
  return app;
}
