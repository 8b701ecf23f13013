// Certificate: a long-lived entity workflow. It decides when to issue (pure policies in
// resources/issuance-policy.ts), runs one CertificateRequest child per revision, writes the
// Secret, and sleeps on a durable timer until renewal, a resync, a spec change or a signal.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ISSUER, NOT_AFTER, READY } from '../platform/search-attributes.ts';
import { DEFAULT_ISSUANCE_BACKOFF, issuanceBackoff, type BackoffBounds } from '../resources/backoff.ts';
import { certificateRequestName, certificateRequestWorkflowId, certificateWorkflowId } from '../resources/ids.ts';
import { needsIssuance, type IssueReason } from '../resources/issuance-policy.ts';
import { applyCertificate, getCertificate, renewCertificate } from '../resources/messages.ts';
import type { CertificateObject } from '../resources/objects.ts';
import { local } from './activities.ts';
import { applyManifest, assertNamesThisWorkflow } from './apply.ts';
import { CertificateStatusBook } from './certificate-status.ts';
import { certificateRequestWorkflow } from './certificate-request.ts';
import { rootMessage } from './failure.ts';
import { childSearchAttributes } from './search-attributes.ts';

export { applyCertificate, getCertificate, renewCertificate };

export interface CertificateWorkflowInput {
  object?: CertificateObject;
  backoff?: BackoffBounds;
  /** How often to re-check the Secret while nothing else happens (default 10 min). */
  resyncMs?: number;
  failedGeneration?: number;
}

export async function certificateWorkflow(input: CertificateWorkflowInput = {}): Promise<void> {
  const book = new CertificateStatusBook(input.object);
  const backoff = input.backoff ?? DEFAULT_ISSUANCE_BACKOFF;
  const resyncMs = input.resyncMs ?? 10 * 60_000;
  let forced = false;
  let failedGeneration = input.failedGeneration;

  setHandler(
    applyCertificate,
    (manifest) => {
      const applied = applyManifest(book.object, manifest, new Date());
      book.replaceSpec(applied.object);
      return applied.result;
    },
    { validator: (m) => assertNamesThisWorkflow(certificateWorkflowId(m.metadata.namespace, m.metadata.name)) },
  );
  setHandler(renewCertificate, () => void (forced = true));
  setHandler(getCertificate, () => book.object);

  await condition(() => book.object !== undefined);
  for (;;) {
    const cert = book.object!;
    const generation = cert.metadata.generation ?? 1;
    const ref = { namespace: cert.metadata.namespace, certificateName: cert.metadata.name, secretName: cert.spec.secretName };
    const secret = await local.inspectCertificateSecret(ref);
    const reason = needsIssuance({ spec: cert.spec, secret, now: new Date(), forced });
    book.observeSecret(secret, reason);
    publish(book);

    const changed = () => forced || book.object!.metadata.generation !== generation;
    if (!reason) {
      await condition(changed, book.msUntilRenewal(resyncMs));
      continue;
    }
    const waitMs = failedGeneration === generation && !forced ? book.backoffRemainingMs(backoff) : 0;
    if (waitMs > 0) {
      book.backingOff(waitMs);
      publish(book);
      await condition(changed, waitMs);
      continue;
    }
    forced = false;
    const ok = await issue(book, reason);
    failedGeneration = ok ? undefined : generation;
    publish(book);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof certificateWorkflow>({ object: book.object, backoff, resyncMs, failedGeneration });
    }
  }
}

async function issue(book: CertificateStatusBook, reason: IssueReason): Promise<boolean> {
  const cert = book.object!;
  const { namespace, name } = cert.metadata as { namespace: string; name: string };
  const spec = cert.spec;
  const revision = (cert.status.revision ?? 0) + 1;
  const requestName = certificateRequestName(name, revision);
  const ref = { namespace, certificateName: name, secretName: spec.secretName };
  book.issuing(reason, requestName);
  publish(book);
  try {
    const csrPem = await local.generateKeyAndCsr(ref, spec, revision);
    const labels = { ...cert.metadata.labels, 'cert-manager.io/certificate-name': name };
    const issued = await executeChild(certificateRequestWorkflow, {
      workflowId: certificateRequestWorkflowId(namespace, requestName),
      args: [{ namespace, name: requestName, certificateName: name, revision, csrPem, spec, labels }],
      parentClosePolicy: 'REQUEST_CANCEL',
      staticSummary: `CertificateRequest ${namespace}/${requestName}: revision ${revision} of Certificate ${name} (${reason.reason})`,
      typedSearchAttributes: childSearchAttributes('CertificateRequest', namespace, requestName, spec.issuerRef),
    });
    const stored = await local.storeCertificate(ref, { ...issued, issuerRef: spec.issuerRef, spec });
    book.issued(revision, stored);
    return true;
  } catch (err) {
    book.failed(`The certificate request has failed to complete and will be retried: ${rootMessage(err)}`);
    return false;
  }
}

function publish(book: CertificateStatusBook): void {
  const cert = book.object!;
  const ready = cert.status.conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  upsertSearchAttributes([
    { key: READY, value: ready },
    { key: ISSUER, value: `${cert.spec.issuerRef.kind}/${cert.spec.issuerRef.name}` },
    ...(cert.status.notAfter ? [{ key: NOT_AFTER, value: new Date(cert.status.notAfter) }] : []),
  ]);
  setCurrentDetails(book.details());
}
