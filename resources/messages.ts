// Message definitions shared by the workflows (which handle them) and the API (which sends them),
// kept here so the API never imports workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CertificateObject,
  CertificateRequestObject,
  ChallengeObject,
  IssuerObject,
  OrderObject,
} from './objects.ts';
import type { CertificateManifest, IssuerManifest } from './types.ts';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

export const applyIssuer = defineUpdate<ApplyResult, [IssuerManifest]>('applyIssuer');
export const getIssuer = defineQuery<IssuerObject | undefined>('getIssuer');
export const deleteIssuer = defineSignal('deleteIssuer');

/** What a Certificate tells its issuer when the CA rejected the issuer's account. */
export interface AccountRejectedReport {
  /** The account URL the rejected request was signed with; a report about an older account is stale. */
  accountUrl?: string;
  /** The CA's answer, e.g. "creating ACME order: 400 accountDoesNotExist: ...". */
  message: string;
  /** Who saw it, e.g. "Certificate team-a/web". */
  from: string;
}
/** Sent by a Certificate (an external workflow signal): verify the account, re-register if it is gone. */
export const accountRejected = defineSignal<[AccountRejectedReport]>('accountRejected');

export const applyCertificate = defineUpdate<ApplyResult, [CertificateManifest]>('applyCertificate');
export const renewCertificate = defineSignal('renewCertificate');
export const deleteCertificate = defineSignal<[{ deleteSecret: boolean }]>('deleteCertificate');
export const getCertificate = defineQuery<CertificateObject | undefined>('getCertificate');
/** Sent by a worker that saw the Certificate's Secret change (the store's watch): look at it again now. */
export const secretChanged = defineSignal('secretChanged');

export const getCertificateRequest = defineQuery<CertificateRequestObject>('getCertificateRequest');
export const getOrder = defineQuery<OrderObject>('getOrder');
export const getChallenge = defineQuery<ChallengeObject>('getChallenge');

/** Workflow type names, for starters (the API) that must not import workflow code. */
export const WORKFLOW_TYPES = {
  issuer: 'issuerWorkflow',
  certificate: 'certificateWorkflow',
} as const;
