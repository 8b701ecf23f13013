// Message definitions shared by the workflows (which handle them) and the API (which sends them),
// kept here so the API never imports workflow code.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CertificateObject, CertificateRequestObject, ChallengeObject, IssuerObject, OrderObject } from './objects.ts';
import type { CertificateManifest, IssuerManifest } from './types.ts';
import type { SlotAnswer, SlotHolder, SlotRequest } from './order-gate.ts';

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

/** Order -> its Issuer's order gate (sent by an activity with signalWithStart): a slot, please. */
export const requestOrderSlot = defineSignal<[SlotRequest]>('requestOrderSlot');
/**
 * Order -> its Issuer's running gate (sent by an activity): a slot, answered at once. Granted in the
 * answer when one is free, so the Order goes on in the same workflow task; otherwise queued, and
 * granted later by `orderSlotGranted` as a signalled request is (told how busy the issuer is in the
 * answer when it asked, else by `orderSlotQueued`).
 */
export const acquireOrderSlot = defineUpdate<SlotAnswer, [SlotRequest]>('acquireOrderSlot');
/** Order -> gate: the slot is free again (or: no longer waiting). */
export const releaseOrderSlot = defineSignal<[SlotHolder]>('releaseOrderSlot');
/** Gate -> Order: go ahead. */
export const orderSlotGranted = defineSignal('orderSlotGranted');
/** Gate -> Order: queued behind others; how busy the issuer is right now. */
export const orderSlotQueued = defineSignal<[{ inUse: number; limit: number }]>('orderSlotQueued');
/**
 * Order -> CertificateRequest -> Certificate: the order waits for a slot (`message`), or no longer
 * does (no message), so each shows it in its status. Sent by a local activity (runs recorded
 * before: a signal command, whose outcome cost the sender a workflow task of its own).
 */
export const orderSlotWaiting = defineSignal<[{ message?: string }]>('orderSlotWaiting');
