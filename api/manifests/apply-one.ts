// Applies one validated manifest: a Secret into the store, an Issuer or Certificate as an
// update-with-start of its workflow (create-or-update in one call).
import { WithStartWorkflowOperation } from '@temporalio/client';
import { resourceSearchAttributes } from '../../resources/search-attributes.ts';
import { certificateWorkflowId, issuerWorkflowId } from '../../resources/ids.ts';
import { applyCertificate, applyIssuer, WORKFLOW_TYPES, type ApplyResult } from '../../resources/messages.ts';
import { APPLIED, isIssuerOwner } from '../../resources/secret-owner.ts';
import type { CertificateManifest, IssuerManifest, Manifest, SecretManifest } from '../../resources/types.ts';
import type { ApiDeps } from '../deps.ts';

// An apply is an Update, which a worker must accept; with no worker running the API answers 503
// after this long instead of hanging. Applying again once a worker runs is safe.
const APPLY_DEADLINE_MS = 30_000;

export async function applyOne(deps: ApiDeps, m: Manifest): Promise<ApplyResult> {
  if (m.kind === 'Secret') return applySecret(deps, m);
  const deadline = Date.now() + APPLY_DEADLINE_MS;
  try {
    return await deps.client.connection.withDeadline(deadline, () => (m.kind === 'Certificate' ? applyCertificateManifest(deps, m) : applyIssuerManifest(deps, m)));
  } catch (err) {
    if (Date.now() < deadline) throw err;
    // gRPC DEADLINE_EXCEEDED, which the API answers with 503.
    throw Object.assign(new Error(`${m.kind} ${m.metadata.name}: no worker took the apply within ${APPLY_DEADLINE_MS / 1000}s; applying again is safe`), { code: 4 });
  }
}

async function applySecret(deps: ApiDeps, m: SecretManifest): Promise<ApplyResult> {
  const { name, namespace, labels, annotations } = m.metadata;
  // A user replacing an Issuer's account key writes it on the Issuer's behalf: it stays the Issuer's.
  const holder = await deps.secrets.owner(namespace, name);
  const owner = holder && isIssuerOwner(holder) ? holder : APPLIED;
  return deps.secrets.write(namespace, name, m.data, { type: m.type, labels, annotations }, { replace: true, owner });
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
