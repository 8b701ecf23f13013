// POST /v1/manifests: validate every document first, then apply Secrets, Issuers and
// Certificates in that order (so an Issuer finds its EAB Secret), each create-or-update.
import { Hono } from 'hono';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { resourceSearchAttributes } from '../../platform/search-attributes.ts';
import { certificateWorkflowId, issuerWorkflowId } from '../../resources/ids.ts';
import { applyCertificate, applyIssuer, WORKFLOW_TYPES, type ApplyResult } from '../../resources/messages.ts';
import { parseManifestBody } from '../../resources/parse-body.ts';
import { badRequestStatus, invalidStatus } from '../../resources/status.ts';
import type { CertificateManifest, IssuerManifest, Manifest, SecretManifest } from '../../resources/types.ts';
import { validateManifests } from '../../resources/validate.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse, temporalErrorStatus } from '../errors.ts';
import { outboundCauses, outboundMessage } from './outbound-check.ts';

export interface AppliedItem {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  result: ApplyResult;
}

const ORDER: Record<Manifest['kind'], number> = { Secret: 0, Issuer: 1, ClusterIssuer: 1, Certificate: 2 };

export function applyRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.post('/v1/manifests', async (c) => {
    const parsed = parseManifestBody(await c.req.text(), c.req.header('content-type'));
    if (!parsed.ok) return statusResponse(c, badRequestStatus(parsed.message));
    const validated = validateManifests(parsed.docs);
    if (!validated.ok) return statusResponse(c, invalidStatus(validated.message, validated.causes));
    const refused = await outboundCauses(validated.manifests, deps.config.outbound);
    if (refused.length) return statusResponse(c, invalidStatus(outboundMessage(refused), refused));
    const ordered = [...validated.manifests].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
    const items: AppliedItem[] = [];
    try {
      for (const m of ordered) items.push({ apiVersion: m.apiVersion, kind: m.kind, namespace: m.metadata.namespace, name: m.metadata.name, result: await applyOne(deps, m) });
    } catch (err) {
      deps.log.error({ err }, 'apply failed');
      return statusResponse(c, temporalErrorStatus(err));
    }
    deps.log.info({ items }, 'applied manifests');
    return c.json({ items });
  });
  return app;
}

// An apply is an Update, which a worker must accept; with no worker running the API answers 503
// after this long instead of hanging. Applying again once a worker runs is safe.
const APPLY_DEADLINE_MS = 30_000;

async function applyOne(deps: ApiDeps, m: Manifest): Promise<ApplyResult> {
  if (m.kind === 'Secret') return applySecret(deps, m);
  const deadline = Date.now() + APPLY_DEADLINE_MS;
  try {
    return await deps.client.connection.withDeadline(deadline, () =>
      m.kind === 'Certificate' ? applyCertificateManifest(deps, m) : applyIssuerManifest(deps, m),
    );
  } catch (err) {
    if (Date.now() < deadline) throw err;
    // gRPC DEADLINE_EXCEEDED, which the API answers with 503.
    throw Object.assign(new Error(`${m.kind} ${m.metadata.name}: no worker took the apply within ${APPLY_DEADLINE_MS / 1000}s; applying again is safe`), { code: 4 });
  }
}

async function applySecret(deps: ApiDeps, m: SecretManifest): Promise<ApplyResult> {
  const { name, namespace, labels, annotations } = m.metadata;
  return deps.secrets.write(namespace, name, m.data, { type: m.type, labels, annotations }, { replace: true });
}

async function applyIssuerManifest(deps: ApiDeps, m: IssuerManifest): Promise<ApplyResult> {
  const namespace = m.kind === 'ClusterIssuer' ? '' : (m.metadata.namespace ?? 'default');
  const workflowId = issuerWorkflowId(m.kind, namespace, m.metadata.name);
  return deps.client.workflow.executeUpdateWithStart(applyIssuer, {
    args: [m],
    startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.issuer, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ options: deps.config.issuers }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: resourceSearchAttributes(m.kind, namespace, m.metadata.name, undefined, m.metadata.labels),
      staticSummary: `${m.kind} ${namespace ? `${namespace}/` : ''}${m.metadata.name}: ACME account at ${m.spec.acme.server}`,
    }),
  });
}

async function applyCertificateManifest(deps: ApiDeps, m: CertificateManifest): Promise<ApplyResult> {
  const { namespace, name } = m.metadata;
  const names = [m.spec.commonName, ...m.spec.dnsNames, ...m.spec.ipAddresses].filter(Boolean).join(', ');
  return deps.client.workflow.executeUpdateWithStart(applyCertificate, {
    args: [m],
    startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.certificate, {
      workflowId: certificateWorkflowId(namespace, name),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ options: deps.config.certificates }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: resourceSearchAttributes('Certificate', namespace, name, m.spec.issuerRef, m.metadata.labels),
      staticSummary: `Certificate ${namespace}/${name} for ${names} → Secret ${m.spec.secretName}, from ${m.spec.issuerRef.kind} ${m.spec.issuerRef.name}`,
    }),
  });
}
