// The Certificate's status transitions, as cert-manager reports them, in a plain class so the
// workflow stays a short loop and the rules can be tested without a Temporal server.
import type { RenewalInfo } from '../resources/renewal-info.ts';
import type { StoredCertificate } from '../resources/certificate-ref.ts';
import type { ResolvedIssuer } from '../resources/resolved-issuer.ts';
import { issuanceBackoff, type BackoffBounds } from '../resources/backoff.ts';
import { Reason } from '../resources/condition-reasons.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { isoSeconds, removeCondition, setCondition } from '../resources/conditions.ts';
import type { IssueReason } from '../resources/issuance-policy.ts';
import type { CertificateObject } from '../resources/objects.ts';
import { renewalTime } from '../resources/renewal.ts';
import { slotWaitNotices } from './slot-wait-notices.ts';
import type { SecretSummary } from '../resources/secret-summary.ts';
import type { ConditionStatus, IssuerRef } from '../resources/types.ts';

/** RFC 9773 suggests polling about every 6 hours when the server gives no Retry-After. */
const ARI_DEFAULT_RECHECK_MS = 6 * 60 * 60_000;

// Reasons for which the stored certificate is still good to serve while a new one is made.
const STILL_READY = new Set(['Renewing', 'ManuallyTriggered']);

export class CertificateStatusBook {
  constructor(public object?: CertificateObject) {}

  private get status() {
    return this.object!.status;
  }

  private condition(type: string, status: ConditionStatus, reason: string, message: string, now = new Date()): void {
    this.status.conditions = setCondition(this.status.conditions, { type, status, reason, message, observedGeneration: this.object!.metadata.generation }, now);
  }

  replaceSpec(applied: Omit<CertificateObject, 'status'>): void {
    this.object = { ...applied, status: this.object?.status ?? { conditions: [] } };
  }

  /** Records what the Secret holds and whether that makes the Certificate Ready. */
  observeSecret(secret: SecretSummary, reason: IssueReason | undefined, now = new Date()): void {
    const valid = secret.hasCert && secret.keyMatchesCert && secret.notAfter !== undefined;
    if (this.status.renewalInfo && this.status.renewalInfo.certID !== secret.ariCertId) delete this.status.renewalInfo;
    if (valid) this.setValidity(secret.notBefore!, secret.notAfter!);
    if (valid && new Date(secret.notAfter!) <= now) {
      this.condition(ConditionType.Ready, 'False', Reason.Expired, `Certificate expired on ${secret.notAfter}`, now);
    } else if (!reason || (valid && STILL_READY.has(reason.reason))) {
      this.condition(ConditionType.Ready, 'True', Reason.Ready, 'Certificate is up to date and has not expired', now);
    } else {
      this.condition(ConditionType.Ready, 'False', reason.reason, reason.message, now);
    }
  }

  private setValidity(notBefore: string, notAfter: string): void {
    this.status.notBefore = isoSeconds(new Date(notBefore));
    this.status.notAfter = isoSeconds(new Date(notAfter));
    this.refreshRenewalTime();
  }

  /** status.renewalTime: the lifetime rule, or the ARI moment when that comes first. */
  private refreshRenewalTime(): void {
    const { notBefore, notAfter, renewalInfo } = this.status;
    if (!notBefore || !notAfter) return;
    const spec = this.object!.spec;
    let at = renewalTime({ notBefore: new Date(notBefore), notAfter: new Date(notAfter), renewBefore: spec.renewBefore, renewBeforePercentage: spec.renewBeforePercentage });
    if (renewalInfo?.selectedTime && new Date(renewalInfo.selectedTime) < at) at = new Date(renewalInfo.selectedTime);
    this.status.renewalTime = isoSeconds(at);
  }

  /** Sleep until renewal or the next ARI check is due, but never longer than the resync period. */
  msUntilWake(resyncMs: number, now = new Date()): number {
    const times = [this.status.renewalTime, this.status.renewalInfo?.nextCheck].filter((t): t is string => Boolean(t));
    const until = Math.min(resyncMs, ...times.map((t) => new Date(t).getTime() - now.getTime()));
    return Math.max(1000, until);
  }

  /** Whether to ask the CA for renewal information now: a new certificate, or a re-check is due. */
  renewalInfoDue(secret: SecretSummary, now = new Date()): boolean {
    if (!secret.ariCertId || !secret.hasCert || !secret.keyMatchesCert) return false;
    const info = this.status.renewalInfo;
    return !info || info.certID !== secret.ariCertId || now >= new Date(info.nextCheck);
  }

  ariRenewalTime(secret: SecretSummary): Date | undefined {
    const info = this.status.renewalInfo;
    return info && info.certID === secret.ariCertId && info.selectedTime ? new Date(info.selectedTime) : undefined;
  }

  /** Records the CA's window; a new or moved window gets a new uniformly random moment in it. */
  recordRenewalInfo(certID: string, info: RenewalInfo, bounds: { minMs: number; maxMs: number }, random: number, now = new Date()): void {
    const prev = this.status.renewalInfo?.certID === certID ? this.status.renewalInfo : undefined;
    if (!info.supported) {
      this.status.renewalInfo = {
        certID,
        lastChecked: isoSeconds(now),
        nextCheck: isoSeconds(new Date(now.getTime() + bounds.maxMs)),
        error: 'the ACME server does not offer renewal information',
      };
      this.refreshRenewalTime();
      return;
    }
    const { start, end } = info.window;
    const moved = prev?.suggestedWindow?.start !== start || prev?.suggestedWindow?.end !== end;
    let selectedTime = prev?.selectedTime;
    if (moved || !selectedTime) {
      const s = new Date(start).getTime();
      const e = new Date(end).getTime();
      // A window already over (e.g. a revocation) means: renew now.
      selectedTime = new Date(e <= now.getTime() ? now.getTime() : s + random * (e - s)).toISOString();
    }
    const recheck = Math.min(Math.max(info.retryAfterMs ?? ARI_DEFAULT_RECHECK_MS, bounds.minMs), bounds.maxMs);
    this.status.renewalInfo = {
      certID,
      suggestedWindow: info.window,
      explanationURL: info.explanationURL,
      selectedTime,
      lastChecked: isoSeconds(now),
      nextCheck: isoSeconds(new Date(now.getTime() + recheck)),
    };
    this.refreshRenewalTime();
  }

  renewalInfoFailed(certID: string, error: string, bounds: { minMs: number }, now = new Date()): void {
    const prev = this.status.renewalInfo?.certID === certID ? this.status.renewalInfo : undefined;
    this.status.renewalInfo = { ...prev, certID, lastChecked: isoSeconds(now), nextCheck: isoSeconds(new Date(now.getTime() + bounds.minMs)), error };
  }

  waitingForIssuer(issuer: ResolvedIssuer, ref: IssuerRef, namespace: string, now = new Date()): void {
    const name = `${ref.kind === 'Issuer' ? `${namespace}/` : ''}${ref.name}`;
    if (!issuer.found) this.condition(ConditionType.Issuing, 'False', Reason.IssuerNotFound, `Waiting for ${ref.kind} ${name} to exist before issuing`, now);
    else this.condition(ConditionType.Issuing, 'False', Reason.IssuerNotReady, `Waiting for ${ref.kind} ${name} to be Ready: ${issuer.message}`, now);
  }

  requestInFlight(): boolean {
    return this.object?.status.currentRequest !== undefined;
  }

  /** The request returned its certificate; what is left (storing it) is no longer "in flight". */
  requestFinished(): void {
    delete this.status.currentRequest;
  }

  cancelled(): void {
    delete this.status.currentRequest;
    this.status.conditions = removeCondition(this.status.conditions, ConditionType.Issuing);
  }

  backoffRemainingMs(bounds: BackoffBounds, now = new Date()): number {
    const { lastFailureTime, failedIssuanceAttempts = 0 } = this.status;
    if (!lastFailureTime || failedIssuanceAttempts === 0) return 0;
    return new Date(lastFailureTime).getTime() + issuanceBackoff(failedIssuanceAttempts, bounds) - now.getTime();
  }

  backingOff(waitMs: number, now = new Date()): void {
    const issuing = this.status.conditions.find((c) => c.type === ConditionType.Issuing);
    const retryAt = isoSeconds(new Date(now.getTime() + waitMs));
    const last = issuing?.message.replace(/ Next attempt at .*$/, '') ?? 'The last issuance failed.';
    this.condition(ConditionType.Issuing, 'False', Reason.Failed, `${last} Next attempt at ${retryAt}.`, now);
  }

  issuing(reason: IssueReason, requestName: string, now = new Date()): void {
    this.status.currentRequest = requestName;
    this.issuingReason = reason;
    this.slotWaits = slotWaitNotices();
    this.condition(ConditionType.Issuing, 'True', reason.reason, reason.message, now);
  }

  private issuingReason?: IssueReason;
  private slotWaits = slotWaitNotices();

  /** A notice that the current issuance's order waits, arriving after the one that said the wait ended. */
  lateSlotWait(waiting: string | undefined): boolean {
    return this.slotWaits.late(waiting);
  }

  /** The request's order waits for a free order slot of its issuer (`waiting`), or no longer does. */
  orderSlotWaiting(waiting: string | undefined, now = new Date()): void {
    const reason = this.issuingReason;
    if (!reason || !this.requestInFlight()) return;
    this.slotWaits.seen(waiting);
    this.condition(ConditionType.Issuing, 'True', reason.reason, waiting ? `${reason.message}. ${waiting}` : reason.message, now);
  }

  issued(revision: number, stored: StoredCertificate, now = new Date()): void {
    this.status.revision = revision;
    delete this.status.renewalInfo;
    this.setValidity(stored.notBefore, stored.notAfter);
    delete this.status.lastFailureTime;
    delete this.status.failedIssuanceAttempts;
    delete this.status.currentRequest;
    this.status.conditions = removeCondition(this.status.conditions, ConditionType.Issuing);
    this.condition(ConditionType.Ready, 'True', Reason.Ready, 'Certificate is up to date and has not expired', now);
  }

  /** The CA refused the issuer's account: not this certificate's failure, so no backoff. */
  accountRejected(message: string, now = new Date()): void {
    delete this.status.currentRequest;
    this.condition(
      ConditionType.Issuing,
      'False',
      'IssuerAccountRejected',
      `The ACME server refused the issuer's account (${message}); issuing again as soon as the issuer has verified or registered it again`,
      now,
    );
  }

  failed(message: string, now = new Date()): void {
    this.status.failedIssuanceAttempts = (this.status.failedIssuanceAttempts ?? 0) + 1;
    this.status.lastFailureTime = isoSeconds(now);
    delete this.status.currentRequest;
    this.condition(ConditionType.Issuing, 'False', Reason.Failed, message, now);
  }

  /** Markdown for the Temporal UI's "current details". */
  details(): string {
    const o = this.object!;
    const s = o.status;
    const lines = [
      `**Certificate ${o.metadata.namespace}/${o.metadata.name}** → Secret \`${o.spec.secretName}\``,
      `Names: ${[o.spec.commonName, ...o.spec.dnsNames, ...o.spec.ipAddresses].filter(Boolean).join(', ')}`,
      `Issuer: ${o.spec.issuerRef.kind}/${o.spec.issuerRef.name}`,
      ...s.conditions.map((c) => `- ${c.type}=${c.status} (${c.reason}): ${c.message}`),
      s.revision ? `Revision ${s.revision}, valid ${s.notBefore} → ${s.notAfter}, renews at ${s.renewalTime}` : 'Not issued yet',
      s.currentRequest ? `In flight: CertificateRequest ${s.currentRequest}` : '',
    ];
    return lines.filter(Boolean).join('\n');
  }
}
