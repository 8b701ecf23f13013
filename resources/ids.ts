// Workflow IDs: readable in the Temporal UI and derived from the resource, so that one resource
// has exactly one workflow and a retried start finds the existing one.
import { shortHash } from './hash.ts';

export type IssuerKind = 'Issuer' | 'ClusterIssuer';

export const issuerWorkflowId = (kind: IssuerKind, namespace: string, name: string): string => (kind === 'ClusterIssuer' ? `clusterissuer/${name}` : `issuer/${namespace}/${name}`);

export const certificateWorkflowId = (namespace: string, name: string): string => `certificate/${namespace}/${name}`;

export const certificateRequestName = (certificate: string, revision: number): string => `${certificate}-${revision}`;

export const certificateRequestWorkflowId = (namespace: string, name: string): string => `certificaterequest/${namespace}/${name}`;

export const orderName = (request: string, spec: unknown): string => `${request}-${shortHash(JSON.stringify(spec))}`;

export const orderWorkflowId = (namespace: string, name: string): string => `order/${namespace}/${name}`;

export const challengeName = (order: string, dnsName: string, wildcard = false): string => `${order}-${shortHash(`${wildcard ? '*.' : ''}${dnsName}`)}`;

export const challengeWorkflowId = (namespace: string, name: string): string => `challenge/${namespace}/${name}`;

/** Kinds as stored in the CertManagerKind search attribute and used by list endpoints. */
export type ResourceKind = 'Issuer' | 'ClusterIssuer' | 'Certificate' | 'CertificateRequest' | 'Order' | 'Challenge';

/** The gate that limits an Issuer's concurrent ACME orders: one per Issuer or ClusterIssuer. */
export const orderGateWorkflowId = (kind: IssuerKind, namespace: string, name: string): string => `order-gate/${issuerWorkflowId(kind, namespace, name)}`;
