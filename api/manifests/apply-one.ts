// Applies one validated manifest: a Secret into the store, an Issuer or Certificate to its
// workflow. A new resource is a plain workflow start carrying the manifest, with the created
// object already in its memo: the server records it at once, no worker needed, and the workflow
// applies the manifest on its first task. A resource that exists is applied with an Update.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { createdObject, type CreateOnStart } from '../../resources/created-object.ts';
import { resourceSearchAttributes } from '../../resources/search-attributes.ts';
import { certificateWorkflowId, issuerWorkflowId } from '../../resources/ids.ts';
import { codeLevelMemo } from '../../resources/code-level.ts';
import { OBJECT_MEMO } from '../../resources/memo.ts';
import { applyCertificate, applyIssuer, WORKFLOW_TYPES, type ApplyResult } from '../../resources/messages.ts';
import { APPLIED, isIssuerOwner } from '../../resources/secret-owner.ts';
import type { CertificateManifest, IssuerManifest, Manifest, SecretManifest } from '../../resources/types.ts';
import type { ApiDeps } from '../deps.ts';

// Applying to an existing resource is an Update, which a worker must accept; with no worker
// running the API answers 503 after this long instead of hanging. Applying again once a worker
// runs is safe.
const APPLY_DEADLINE_MS = 30_000;

export async function applyOne(deps: ApiDeps, m: Manifest): Promise<ApplyResult> {
  if (m.kind === 'Secret') return applySecret(deps, m);
  const deadline = Date.now() + APPLY_DEADLINE_MS;
  try {
    const { client, config } = deps;
    const apply = () =>
      m.kind === 'Certificate'
        ? applyCertificateManifest({ client, taskQueue: config.temporal.taskQueue, options: config.certificates }, m)
        : applyIssuerManifest({ client, taskQueue: config.temporal.taskQueue, options: config.issuers }, m);
    return await client.connection.withDeadline(deadline, apply);
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

type EntityStart = Pick<WorkflowStartOptions, 'workflowId' | 'typedSearchAttributes' | 'staticSummary'>;

/** Where an entity workflow runs and the options it starts with (the API's config, or a test's). */
export interface EntityTarget {
  client: Client;
  taskQueue: string;
  options?: object;
}

/** Starts the workflow with the manifest if none is running: 'created', or undefined when one is. */
async function create<M extends IssuerManifest | CertificateManifest>(t: EntityTarget, type: string, m: M, start: EntityStart): Promise<'created' | undefined> {
  const now = new Date();
  const input: CreateOnStart<M> = { manifest: m, creationTimestamp: now.toISOString() };
  try {
    await t.client.workflow.start(type, {
      ...start,
      taskQueue: t.taskQueue,
      args: [{ options: t.options, create: input }],
      workflowIdConflictPolicy: 'FAIL',
      memo: { [OBJECT_MEMO]: createdObject(m, now), ...codeLevelMemo() },
    });
    return 'created';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw err;
  }
}

/** The update of an existing workflow; with-start too, as it may have ended (been deleted) since. */
function update<M extends IssuerManifest | CertificateManifest>(
  t: EntityTarget,
  type: string,
  message: UpdateDefinition<ApplyResult, [M]>,
  m: M,
  start: EntityStart,
): Promise<ApplyResult> {
  return t.client.workflow.executeUpdateWithStart(message, {
    args: [m],
    startWorkflowOperation: new WithStartWorkflowOperation(type, {
      ...start,
      taskQueue: t.taskQueue,
      args: [{ options: t.options }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      memo: codeLevelMemo(),
    }),
  });
}

export async function applyIssuerManifest(t: EntityTarget, m: IssuerManifest): Promise<ApplyResult> {
  const namespace = m.kind === 'ClusterIssuer' ? '' : (m.metadata.namespace ?? 'default');
  const start: EntityStart = {
    workflowId: issuerWorkflowId(m.kind, namespace, m.metadata.name),
    typedSearchAttributes: resourceSearchAttributes(m.kind, namespace, m.metadata.name, undefined, m.metadata.labels),
    staticSummary: `${m.kind} ${namespace ? `${namespace}/` : ''}${m.metadata.name}: ACME account at ${m.spec.acme.server}`,
  };
  return (await create(t, WORKFLOW_TYPES.issuer, m, start)) ?? update(t, WORKFLOW_TYPES.issuer, applyIssuer, m, start);
}

export async function applyCertificateManifest(t: EntityTarget, m: CertificateManifest): Promise<ApplyResult> {
  const { namespace, name } = m.metadata;
  const names = [m.spec.commonName, ...m.spec.dnsNames, ...m.spec.ipAddresses].filter(Boolean).join(', ');
  const start: EntityStart = {
    workflowId: certificateWorkflowId(namespace, name),
    typedSearchAttributes: resourceSearchAttributes('Certificate', namespace, name, m.spec.issuerRef, m.metadata.labels),
    staticSummary: `Certificate ${namespace}/${name} for ${names} → Secret ${m.spec.secretName}, from ${m.spec.issuerRef.kind} ${m.spec.issuerRef.name}`,
  };
  return (await create(t, WORKFLOW_TYPES.certificate, m, start)) ?? update(t, WORKFLOW_TYPES.certificate, applyCertificate, m, start);
}
