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

export const applyCertificate = defineUpdate<ApplyResult, [CertificateManifest]>('applyCertificate');
export const renewCertificate = defineSignal('renewCertificate');
export const deleteCertificate = defineSignal<[{ deleteSecret: boolean }]>('deleteCertificate');
export const getCertificate = defineQuery<CertificateObject | undefined>('getCertificate');

export const getCertificateRequest = defineQuery<CertificateRequestObject>('getCertificateRequest');
export const getOrder = defineQuery<OrderObject>('getOrder');
export const getChallenge = defineQuery<ChallengeObject>('getChallenge');

/** Workflow type names, for starters (the API) that must not import workflow code. */
export const WORKFLOW_TYPES = {
  issuer: 'issuerWorkflow',
  certificate: 'certificateWorkflow',
} as const;
