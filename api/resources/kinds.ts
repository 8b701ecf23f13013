// The resource kinds the API serves: URL plural, scope, List kind, the workflow that holds each
// object and its query.
import type { QueryDefinition } from '@temporalio/common';
import { certificateRequestWorkflowId, certificateWorkflowId, challengeWorkflowId, issuerWorkflowId, orderWorkflowId, type ResourceKind } from '../../resources/ids.ts';
import { getCertificate, getCertificateRequest, getChallenge, getIssuer, getOrder } from '../../resources/messages.ts';

export interface ReadableKind {
  kind: ResourceKind;
  plural: string;
  group: string;
  /** Namespaced kinds live under /namespaces/{ns}/; ClusterIssuer does not. */
  namespaced: boolean;
  /** Entity kinds live as long as the resource; the others are runs that end, and stay readable. */
  entity: boolean;
  workflowId(namespace: string, name: string): string;
  query: QueryDefinition<unknown, []>;
}

export const kinds = {
  issuers: {
    kind: 'Issuer',
    plural: 'issuers',
    group: 'cert-manager.io',
    namespaced: true,
    entity: true,
    workflowId: (ns, n) => issuerWorkflowId('Issuer', ns, n),
    query: getIssuer,
  },
  clusterissuers: {
    kind: 'ClusterIssuer',
    plural: 'clusterissuers',
    group: 'cert-manager.io',
    namespaced: false,
    entity: true,
    workflowId: (_ns, n) => issuerWorkflowId('ClusterIssuer', '', n),
    query: getIssuer,
  },
  certificates: { kind: 'Certificate', plural: 'certificates', group: 'cert-manager.io', namespaced: true, entity: true, workflowId: certificateWorkflowId, query: getCertificate },
  certificaterequests: {
    kind: 'CertificateRequest',
    plural: 'certificaterequests',
    group: 'cert-manager.io',
    namespaced: true,
    entity: false,
    workflowId: certificateRequestWorkflowId,
    query: getCertificateRequest,
  },
  orders: { kind: 'Order', plural: 'orders', group: 'acme.cert-manager.io', namespaced: true, entity: false, workflowId: orderWorkflowId, query: getOrder },
  challenges: { kind: 'Challenge', plural: 'challenges', group: 'acme.cert-manager.io', namespaced: true, entity: false, workflowId: challengeWorkflowId, query: getChallenge },
} satisfies Record<string, ReadableKind>;
