// The readable kinds: URL plural, List kind, the workflow that holds each object and its query.
import type { QueryDefinition } from '@temporalio/common';
import {
  certificateRequestWorkflowId,
  certificateWorkflowId,
  challengeWorkflowId,
  issuerWorkflowId,
  orderWorkflowId,
  type ResourceKind,
} from '../../resources/ids.ts';
import { getCertificate, getCertificateRequest, getChallenge, getIssuer, getOrder } from '../../resources/messages.ts';

export interface ReadableKind {
  kind: ResourceKind;
  plural: string;
  group: string;
  /** Entity kinds live as long as the resource; the others are runs that end, and stay readable. */
  entity: boolean;
  workflowId(namespace: string, name: string): string;
  query: QueryDefinition<unknown, []>;
}

const kinds: ReadableKind[] = [
  { kind: 'Issuer', plural: 'issuers', group: 'cert-manager.io', entity: true, workflowId: (ns, n) => issuerWorkflowId('Issuer', ns, n), query: getIssuer },
  { kind: 'ClusterIssuer', plural: 'clusterissuers', group: 'cert-manager.io', entity: true, workflowId: (_ns, n) => issuerWorkflowId('ClusterIssuer', '', n), query: getIssuer },
  { kind: 'Certificate', plural: 'certificates', group: 'cert-manager.io', entity: true, workflowId: certificateWorkflowId, query: getCertificate },
  { kind: 'CertificateRequest', plural: 'certificaterequests', group: 'cert-manager.io', entity: false, workflowId: certificateRequestWorkflowId, query: getCertificateRequest },
  { kind: 'Order', plural: 'orders', group: 'acme.cert-manager.io', entity: false, workflowId: orderWorkflowId, query: getOrder },
  { kind: 'Challenge', plural: 'challenges', group: 'acme.cert-manager.io', entity: false, workflowId: challengeWorkflowId, query: getChallenge },
];

export function readableKind(group: string, plural: string): ReadableKind | undefined {
  return kinds.find((k) => k.group === group && k.plural === plural);
}
