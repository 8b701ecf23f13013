// Garbage collection of a Certificate's CertificateRequests, as cert-manager does it: only the
// last spec.revisionHistoryLimit requests are kept, none once the Certificate is deleted, and a
// request takes its Orders and their Challenges with it (their owner references). Here each is
// a closed workflow execution, deleted from Temporal's history and visibility, so every list
// is one visibility query with nothing to filter out.
import type { Client } from '@temporalio/client';
import { Annotation, Label } from '../resources/annotations.ts';
import { LABELS_ATTRIBUTE } from '../resources/label-selector.ts';
import { OBJECT_MEMO } from '../resources/memo.ts';
import { dns1123LabelError, dns1123SubdomainError } from '../resources/names.ts';
import { KIND, NAMESPACE } from '../resources/search-attributes.ts';
import type { ResourceKind } from '../resources/ids.ts';
import type { PruneRequestsInput, PruneRequestsResult } from '../resources/prune-requests.ts';
import { GRPC_NOT_FOUND, grpcCode } from '../platform/grpc-code.ts';

interface Execution {
  workflowId: string;
  runId: string;
  name: string;
  revision?: number;
}

export function requestHistoryActivities(client: () => Client) {
  /**
   * The executions of a kind in a namespace carrying one label. All are closed, whatever
   * visibility (updated a moment later) says: a Certificate prunes only after its issuance ended,
   * and a request, an Order wait for their children's cancellation before they close.
   */
  async function labelled(kind: ResourceKind, namespace: string, label: string, value: string): Promise<Execution[]> {
    // Checked at apply already; checked again because the names go between quotes in the query.
    const bad = dns1123LabelError(namespace) ?? dns1123SubdomainError(value);
    if (bad) throw new Error(`not a resource name: ${JSON.stringify(`${namespace}/${value}`)}: ${bad}`);
    const query = `${KIND.name} = '${kind}' AND ${NAMESPACE.name} = '${namespace}' AND ${LABELS_ATTRIBUTE} = '${label}=${value}'`;
    const found: Execution[] = [];
    for await (const wf of client().workflow.list({ query })) {
      const object = wf.memo?.[OBJECT_MEMO] as { metadata?: { name?: string; annotations?: Record<string, string> } } | undefined;
      const revision = Number(object?.metadata?.annotations?.[Annotation.CertificateRevision]);
      found.push({ workflowId: wf.workflowId, runId: wf.runId, name: object?.metadata?.name ?? '', revision: Number.isInteger(revision) ? revision : undefined });
    }
    return found;
  }

  async function remove(e: Execution): Promise<void> {
    try {
      await client().workflowService.deleteWorkflowExecution({ namespace: client().options.namespace, workflowExecution: { workflowId: e.workflowId, runId: e.runId } });
    } catch (err) {
      if (grpcCode(err) !== GRPC_NOT_FOUND) throw err;
    }
  }

  return {
    /**
     * Deletes the Certificate's requests older than `keepFromRevision` (all of them without it),
     * each after its Orders and their Challenges, so an attempt cut short is finished by the next.
     */
    async pruneCertificateRequests(input: PruneRequestsInput): Promise<PruneRequestsResult> {
      const { namespace } = input;
      const requests = await labelled('CertificateRequest', namespace, Label.CertificateName, input.certificateName);
      const old = requests.filter((r) => input.keepFromRevision === undefined || (r.revision !== undefined && r.revision < input.keepFromRevision));
      const deleted: string[] = [];
      for (const request of old) {
        if (!request.name) continue;
        for (const order of await labelled('Order', namespace, Label.CertificateRequestName, request.name)) {
          if (order.name) for (const challenge of await labelled('Challenge', namespace, Label.OrderName, order.name)) await remove(challenge);
          await remove(order);
        }
        await remove(request);
        deleted.push(request.name);
      }
      return { deleted };
    },
  };
}
