// Certificate: a long-lived entity workflow. It decides when to issue (pure policies in
// resources/issuance-policy.ts), runs one CertificateRequest child per revision, writes the
// Secret, and sleeps on a durable timer until renewal, an ARI re-check, a resync, a spec change,
// a renew or a delete signal. It continues-as-new when it wakes with a long history, so a
// replay stays short, but never between an issuance and what the user does next.
import {
  allHandlersFinished,
  log,
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { codeLevelMemo } from '../resources/code-level.ts';
import { isPatched, isPatchedOnRarePath, refuseRunsAboveLevel } from './patches.ts';
import type { CertificateRef } from '../resources/certificate-ref.ts';
import type { ResolvedIssuer } from '../resources/resolved-issuer.ts';
import { ISSUER, LABELS, NOT_AFTER, READY, resourceSearchAttributes, SECRET_NAME } from '../resources/search-attributes.ts';
import { Label } from '../resources/annotations.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { accountRejection, type AccountRejection } from '../resources/account-rejection.ts';
import { issuerAnswer, type AccountReport } from '../resources/account-report.ts';
import { labelTerms } from '../resources/label-selector.ts';
import { DEFAULT_CERTIFICATE_OPTIONS, type CertificateOptions } from '../resources/certificate-options.ts';
import { REQUEST_PRIORITY } from '../resources/task-priority.ts';
import { certificateRequestName, certificateRequestWorkflowId, certificateWorkflowId } from '../resources/ids.ts';
import { needsIssuance, type IssueReason } from '../resources/issuance-policy.ts';
import { applyCertificate, deleteCertificate, getCertificate, orderSlotWaiting, renewCertificate, secretChanged } from '../resources/messages.ts';
import { jitteredResyncMs } from '../resources/resync.ts';
import type { CertificateObject } from '../resources/objects.ts';
import type { CreateOnStart } from '../resources/created-object.ts';
import type { CertificateManifest } from '../resources/types.ts';
import type { SecretSummary } from '../resources/secret-summary.ts';
import { acme, history, issuerLookup, keys, local, lookup } from './activities.ts';
import { applyManifest, assertNamesThisWorkflow } from './apply.ts';
import { certificateRequestWorkflow, type CertificateRequestInput } from './certificate-request.ts';
import { CertificateStatusBook } from './certificate-status.ts';
import { rootMessage } from './failure.ts';
import { reportAccountRejection } from './issuer-account-report.ts';
import { renewHandler } from './renew-signal.ts';
import { continueAsNewPublished, objectPublisher, publishesObjects, type Publisher } from './publish.ts';
import { searchAttributePublisher, type SearchAttributePublisher } from './search-attribute-publisher.ts';
import { secretOwnedByOther, storeIssuedCertificate } from './store-certificate.ts';

export { applyCertificate, deleteCertificate, getCertificate, renewCertificate, secretChanged };

export interface CertificateWorkflowInput {
  object?: CertificateObject;
  options?: Partial<CertificateOptions>;
  /** Carried across continue-as-new. */
  failedGeneration?: number;
  forced?: boolean;
  /** The CA refused the issuer's account on the last attempt; waiting for the issuer to verify it. */
  accountReport?: AccountReport;
  /** Started by an apply that created the Certificate (api/manifests/apply-one.ts): applied first. */
  create?: CreateOnStart<CertificateManifest>;
}

type Outcome =
  | { kind: 'issued' | 'cancelled' }
  /** `rejection`: the issuer's account was refused too (counted: the attempt right after a recovery). */
  | { kind: 'failed'; rejection?: AccountRejection }
  | { kind: 'accountRejected'; rejection: AccountRejection };

export async function certificateWorkflow(input: CertificateWorkflowInput = {}): Promise<void> {
  refuseRunsAboveLevel();
  const book = new CertificateStatusBook(input.object);
  const options: CertificateOptions = { ...DEFAULT_CERTIFICATE_OPTIONS, ...input.options };
  let forced = input.forced ?? false;
  let deletion: { deleteSecret: boolean } | undefined;
  let failedGeneration = input.failedGeneration;
  let accountReport = input.accountReport;
  const publishObject = objectPublisher<CertificateObject>();
  const publishAttributes = searchAttributePublisher();
  const publish = (b: CertificateStatusBook) => publishStatus(b, publishObject, publishAttributes);

  // Before any handler is set, so an apply Update that arrived meanwhile finds the Certificate.
  // The starter set the search attributes and published this very object in the memo, so the
  // publish records nothing; the object and status are those an apply Update would have made.
  if (input.create) {
    book.replaceSpec(applyManifest<CertificateObject>(undefined, input.create.manifest, new Date(input.create.creationTimestamp)).object);
    publishObject(book.object);
  }

  setHandler(
    applyCertificate,
    (manifest) => {
      const applied = applyManifest(book.object, manifest, new Date());
      book.replaceSpec(applied.object);
      if (applied.result !== 'unchanged' && publishesObjects()) upsertSearchAttributes([{ key: LABELS, value: labelTerms(applied.object.metadata.labels) }]);
      publishObject(book.object);
      return applied.result;
    },
    {
      validator: (m) => {
        assertNamesThisWorkflow(certificateWorkflowId(m.metadata.namespace, m.metadata.name));
        if (deletion) throw ApplicationFailure.nonRetryable('the Certificate is being deleted; apply it again once it is gone', 'Deleting');
      },
    },
  );
  setHandler(
    renewCertificate,
    renewHandler(
      () => book.requestInFlight(),
      (on) => void (forced = on),
    ),
  );
  setHandler(deleteCertificate, (opts) => void (deletion = opts));
  setHandler(getCertificate, () => book.object);
  // Mid-issuance it changes nothing: the issuance writes the Secret and looks again after.
  let secretTouched = false;
  setHandler(secretChanged, () => void (secretTouched = true));
  setHandler(orderSlotWaiting, ({ message }) => {
    // Runs recorded before showed a late notice; asked only when one comes, so others pay no marker.
    if (book.lateSlotWait(message) && isPatchedOnRarePath('late-slot-wait-ignored')) return;
    book.orderSlotWaiting(message);
    if (book.object) publish(book);
  });

  await condition(() => book.object !== undefined || deletion !== undefined);
  let issuerPollMs = 1000;
  let answerPollMs = ANSWER_FIRST_POLL_MS;
  let timerWoke = false;
  // The issuer an issuance just used: the CA's renewal information for the new certificate is asked
  // with it, without looking the issuer up again a second later.
  let issuedWith: Extract<ResolvedIssuer, { found: true }> | undefined;
  const sleepUnless = async (wake: () => boolean, ms: number) => void (timerWoke = !(await condition(wake, ms)));
  while (!deletion) {
    // A long history is cut at a timer's wake-up (a resync, a renewal time), where nobody waits on
    // the new run's first task; the server's suggestion is followed at once.
    if (workflowInfo().continueAsNewSuggested || (timerWoke && historyFull())) await restart();
    timerWoke = false;
    const justIssuedWith = issuedWith;
    issuedWith = undefined;
    const cert = book.object!;
    const generation = cert.metadata.generation ?? 1;
    const ref: CertificateRef = { namespace: cert.metadata.namespace, certificateName: cert.metadata.name, secretName: cert.spec.secretName };
    const interrupted = () => forced || deletion !== undefined || book.object!.metadata.generation !== generation;
    // Waiting with nothing to do, a change to the Secret is worth a look at once.
    const idleWake = () => interrupted() || secretTouched;
    // Spread, so Certificates applied together do not all wake together every period.
    const resyncMs = () => (isPatched('resync-jitter') ? jitteredResyncMs(options.resyncMs, Math.random()) : options.resyncMs);

    secretTouched = false;
    const secret = await local.inspectCertificateSecret(ref);
    if (secret.ownedBy) {
      secretOwnedByOther(book, ref, secret.ownedBy);
      publish(book);
      forced = false; // a renew signal now only means: look again
      await sleepUnless(idleWake, resyncMs());
      continue;
    }
    let issuer: ResolvedIssuer | undefined;
    const resolveIssuer = async () => (issuer ??= await (isPatched('local-issuer-lookup') ? issuerLookup : lookup).resolveIssuer(ref.namespace, cert.spec.issuerRef));
    if (book.renewalInfoDue(secret)) {
      const found = justIssuedWith ?? (await resolveIssuer());
      if (ariEnabled(found)) await checkRenewalInfo(book, found, secret, options);
    }

    const reason = needsIssuance({ spec: cert.spec, secret, now: new Date(), forced, ariRenewalTime: book.ariRenewalTime(secret) });
    book.observeSecret(secret, reason);
    publish(book);
    if (!reason) {
      await sleepUnless(idleWake, book.msUntilWake(resyncMs()));
      continue;
    }
    const backoffMs = failedGeneration === generation && !forced ? book.backoffRemainingMs(options.backoff) : 0;
    if (backoffMs > 0) {
      book.backingOff(backoffMs);
      publish(book);
      await sleepUnless(interrupted, backoffMs);
      continue;
    }
    const resolved = await resolveIssuer();
    if (!resolved.found || !resolved.ready) {
      book.waitingForIssuer(resolved, cert.spec.issuerRef, ref.namespace);
      publish(book);
      // A pending renew waits for the issuer too: waking on it would poll the issuer in a loop.
      const changed = () => deletion !== undefined || book.object!.metadata.generation !== generation;
      await sleepUnless(isPatched('issuer-wait-ignores-renew') ? changed : interrupted, issuerPollMs);
      issuerPollMs = Math.min(issuerPollMs * 2, 60_000);
      continue;
    }
    issuerPollMs = 1000;

    // After an account refusal: a new account URL means the issuer registered again, so issue at
    // once (once: a second refusal counts); the same URL means the account was fine after all,
    // unless the issuer has not read the report yet (its memo then still shows the old account).
    const afterRecovery = accountReport !== undefined;
    if (accountReport) {
      const report = accountReport;
      const issuerNow = { accountUrl: resolved.context.accountUrl, readySince: resolved.readySince };
      const answer = isPatched(AWAIT_ISSUER_ANSWER) ? issuerAnswer(report, issuerNow, Date.now()) : issuerNow.accountUrl === report.accountUrl ? 'accountFine' : 'reregistered';
      if (answer === 'unread') {
        await sleepUnless(() => deletion !== undefined || book.object!.metadata.generation !== generation, answerPollMs);
        answerPollMs = Math.min(answerPollMs * 2, 5_000);
        continue;
      }
      answerPollMs = ANSWER_FIRST_POLL_MS;
      accountReport = undefined;
      if (answer === 'accountFine') {
        forced = false;
        book.failed(failedMessage(report.message));
        failedGeneration = generation;
        publish(book);
        continue;
      }
    }

    const wasForced = forced;
    forced = false;
    const replaces = ariEnabled(resolved) && sameIssuer(secret, cert) && secret.keyMatchesCert ? secret.ariCertId : undefined;
    const outcome = await issueUnlessInterrupted(
      book,
      publish,
      reason,
      { replaces, issuer: resolved.context },
      () => deletion !== undefined || book.object!.metadata.generation !== generation,
      afterRecovery,
    );
    failedGeneration = outcome.kind === 'failed' ? generation : undefined;
    if (outcome.kind === 'issued' && isPatched('ari-check-with-issuing-context')) issuedWith = resolved;
    publish(book);
    if ((outcome.kind === 'accountRejected' || outcome.kind === 'failed') && outcome.rejection) {
      const { accountUrl } = resolved.context;
      const reportedAt = Date.now();
      await reportAccountRejection(ref.namespace, cert.spec.issuerRef, {
        accountUrl,
        message: outcome.rejection.message,
        from: `Certificate ${ref.namespace}/${ref.certificateName}`,
      });
      if (outcome.kind === 'accountRejected') {
        accountReport = { accountUrl, message: outcome.rejection.message, at: reportedAt };
        // The same issuance runs again once the issuer is back; a manual trigger is not used up.
        forced = wasForced;
      }
    }
    if (outcome.kind !== 'cancelled' && !deletion) {
      if (!isPatched(CONTINUE_AT_WAKE_UP)) await restart();
      // Ends this workflow task, so what was just published reaches readers now: the next look at
      // the Secret (and at the CA's renewal information) would otherwise hold it back.
      await sleep(1);
      const { revision } = book.object!.status;
      // In the background: a slow visibility store must not hold up a renew or a change.
      if (outcome.kind === 'issued' && revision !== undefined && isPatched(PRUNE_REQUESTS)) {
        const keepFromRevision = revision - (book.object!.spec.revisionHistoryLimit ?? 1) + 1;
        // Revisions start at 1: until there are more than the limit, no request is old enough to
        // go, and the look would be a visibility query per issuance for nothing.
        if (keepFromRevision > 1 || !isPatched(PRUNE_ONLY_PAST_LIMIT)) void pruneRequests(ref.namespace, ref.certificateName, keepFromRevision);
      }
    }
  }

  const cert = book.object;
  if (cert) await local.removeCertificateData({ namespace: cert.metadata.namespace, certificateName: cert.metadata.name, secretName: cert.spec.secretName }, deletion.deleteSecret);
  if (cert && isPatched(PRUNE_REQUESTS)) await pruneRequests(cert.metadata.namespace, cert.metadata.name);
  await condition(allHandlersFinished);

  // Runs recorded before this change continued-as-new after each issuance; they replay that way.
  function historyFull(): boolean {
    return workflowInfo().historyLength >= options.historyEventsPerRun && isPatched(CONTINUE_AT_WAKE_UP);
  }

  async function restart(): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNewPublished<typeof certificateWorkflow>({ object: book.object, options, failedGeneration, forced, accountReport });
  }
}

const ariEnabled = (issuer: ResolvedIssuer): issuer is Extract<ResolvedIssuer, { found: true }> => issuer.found && !issuer.context.acme.disableRenewalInfo;

const sameIssuer = (secret: SecretSummary, cert: CertificateObject) =>
  secret.issuerName === cert.spec.issuerRef.name && (secret.issuerKind ?? 'Issuer') === cert.spec.issuerRef.kind;

async function checkRenewalInfo(book: CertificateStatusBook, issuer: Extract<ResolvedIssuer, { found: true }>, secret: SecretSummary, options: CertificateOptions): Promise<void> {
  try {
    const info = await acme.fetchRenewalInfo(issuer.context, secret.ariCertId!);
    book.recordRenewalInfo(secret.ariCertId!, info, options.ariRecheck, Math.random());
  } catch (err) {
    // Renewal then follows the lifetime rule; ARI is looked at again at the next re-check.
    book.renewalInfoFailed(secret.ariCertId!, rootMessage(err), options.ariRecheck);
  }
}

// The issuance runs in its own cancellation scope: a spec change or a delete cancels it, which
// cancels the CertificateRequest, its Order and Challenges, and they clean up after themselves.
async function issueUnlessInterrupted(
  book: CertificateStatusBook,
  publish: (book: CertificateStatusBook) => void,
  reason: IssueReason,
  request: RequestExtras,
  interrupted: () => boolean,
  countAccountRejection: boolean,
): Promise<Outcome> {
  const work = new CancellationScope();
  const watch = new CancellationScope();
  void watch
    .run(() => condition(interrupted))
    .then(
      () => work.cancel(),
      () => undefined,
    );
  try {
    await work.run(() => issue(book, publish, reason, request));
    return { kind: 'issued' };
  } catch (err) {
    if (isCancellation(err)) {
      book.cancelled();
      return { kind: 'cancelled' };
    }
    const rejection = accountRejection(err);
    if (rejection && !countAccountRejection) {
      book.accountRejected(rejection.message);
      return { kind: 'accountRejected', rejection };
    }
    book.failed(failedMessage(rootMessage(err)));
    return { kind: 'failed', rejection };
  } finally {
    watch.cancel();
  }
}

const failedMessage = (cause: string) => `The certificate request has failed to complete and will be retried: ${cause}`;

type RequestExtras = Pick<CertificateRequestInput, 'replaces' | 'issuer'>;

const CONTINUE_AT_WAKE_UP = 'continue-as-new-at-wake-up';
const PRUNE_REQUESTS = 'prune-request-history';
const PRUNE_ONLY_PAST_LIMIT = 'prune-only-past-limit';
const READY_KEY_LOCAL = 'ready-key-in-local-activity';
const AWAIT_ISSUER_ANSWER = 'await-issuer-answer';
// The issuer reads a report within a workflow task or two: tens of milliseconds.
const ANSWER_FIRST_POLL_MS = 200;

// cert-manager keeps the last spec.revisionHistoryLimit requests and none of a deleted
// Certificate (activities/request-history.ts). A failure only leaves old requests listed until
// the next issuance looks again, so it never holds the Certificate up.
async function pruneRequests(namespace: string, certificateName: string, keepFromRevision?: number): Promise<void> {
  try {
    await history.pruneCertificateRequests({ namespace, certificateName, keepFromRevision });
  } catch (err) {
    log.warn('Could not delete old CertificateRequests', { namespace, certificateName, error: rootMessage(err) });
  }
}

// Runs recorded before made keys in local activities; they replay that way.
const keyMaker = () => (isPatched('key-in-regular-activity') ? keys : local);

async function issue(book: CertificateStatusBook, publish: (book: CertificateStatusBook) => void, reason: IssueReason, extras: RequestExtras): Promise<void> {
  const cert = book.object!;
  const { namespace, name } = cert.metadata as { namespace: string; name: string };
  const spec = cert.spec;
  const revision = (cert.status.revision ?? 0) + 1;
  const requestName = certificateRequestName(name, revision);
  const ref = { namespace, certificateName: name, secretName: spec.secretName };
  book.issuing(reason, requestName);
  publish(book);
  // A key made ahead is taken in a local activity: no activity task, no workflow task to wait for.
  const ready = isPatched(READY_KEY_LOCAL) ? await local.readyKeyAndCsr(ref, spec, revision) : undefined;
  const csrPem = ready ?? (await keyMaker().generateKeyAndCsr(ref, spec, revision));
  const labels = { ...cert.metadata.labels, [Label.CertificateName]: name };
  const issued = await executeChild(certificateRequestWorkflow, {
    workflowId: certificateRequestWorkflowId(namespace, requestName),
    args: [{ namespace, name: requestName, certificateName: name, revision, csrPem, spec, labels, ...extras }],
    parentClosePolicy: 'REQUEST_CANCEL',
    priority: REQUEST_PRIORITY,
    staticSummary: `CertificateRequest ${namespace}/${requestName}: revision ${revision} of Certificate ${name} (${reason.reason})`,
    typedSearchAttributes: resourceSearchAttributes('CertificateRequest', namespace, requestName, spec.issuerRef, labels),
    memo: codeLevelMemo(),
  });
  book.requestFinished();
  const stored = await storeIssuedCertificate(book, ref, { ...issued, issuerRef: spec.issuerRef, spec }, publish);
  book.issued(revision, stored);
}

function publishStatus(book: CertificateStatusBook, publishObject: Publisher<CertificateObject>, publishAttributes: SearchAttributePublisher): void {
  const cert = book.object!;
  publishObject(cert);
  const ready = cert.status.conditions.find((c) => c.type === ConditionType.Ready)?.status ?? 'Unknown';
  publishAttributes([
    { key: READY, value: ready },
    { key: ISSUER, value: `${cert.spec.issuerRef.kind}/${cert.spec.issuerRef.name}` },
    ...(cert.status.notAfter ? [{ key: NOT_AFTER, value: new Date(cert.status.notAfter) }] : []),
    ...(isPatched('secret-name-search-attribute') ? [{ key: SECRET_NAME, value: cert.spec.secretName }] : []),
  ]);
  setCurrentDetails(book.details());
}
