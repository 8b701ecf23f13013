// The Certificate's status transitions, as cert-manager reports them, in a plain class so the
// workflow stays a short loop and the rules can be tested without a Temporal server.
import type { StoredCertificate } from '../activities/certificate-secret.ts';
import { issuanceBackoff, type BackoffBounds } from '../resources/backoff.ts';
import { isoSeconds, removeCondition, setCondition } from '../resources/conditions.ts';
import type { IssueReason } from '../resources/issuance-policy.ts';
import type { CertificateObject } from '../resources/objects.ts';
import { renewalTime } from '../resources/renewal.ts';
import type { SecretSummary } from '../resources/secret-summary.ts';
import type { ConditionStatus } from '../resources/types.ts';

// Reasons for which the stored certificate is still good to serve while a new one is made.
const STILL_READY = new Set(['Renewing', 'ManuallyTriggered']);

export class CertificateStatusBook {
  constructor(public object?: CertificateObject) {}

  private get status() {
    return this.object!.status;
  }

  private condition(type: string, status: ConditionStatus, reason: string, message: string, now = new Date()): void {
    this.status.conditions = setCondition(
      this.status.conditions,
      { type, status, reason, message, observedGeneration: this.object!.metadata.generation },
      now,
    );
  }

  replaceSpec(applied: Omit<CertificateObject, 'status'>): void {
    this.object = { ...applied, status: this.object?.status ?? { conditions: [] } };
  }

  /** Records what the Secret holds and whether that makes the Certificate Ready. */
  observeSecret(secret: SecretSummary, reason: IssueReason | undefined, now = new Date()): void {
    const valid = secret.hasCert && secret.keyMatchesCert && secret.notAfter !== undefined;
    if (valid) this.setValidity(secret.notBefore!, secret.notAfter!);
    if (valid && new Date(secret.notAfter!) <= now) {
      this.condition('Ready', 'False', 'Expired', `Certificate expired on ${secret.notAfter}`, now);
    } else if (!reason || (valid && STILL_READY.has(reason.reason))) {
      this.condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired', now);
    } else {
      this.condition('Ready', 'False', reason.reason, reason.message, now);
    }
  }

  private setValidity(notBefore: string, notAfter: string): void {
    const spec = this.object!.spec;
    this.status.notBefore = isoSeconds(new Date(notBefore));
    this.status.notAfter = isoSeconds(new Date(notAfter));
    this.status.renewalTime = isoSeconds(
      renewalTime({ notBefore: new Date(notBefore), notAfter: new Date(notAfter), renewBefore: spec.renewBefore, renewBeforePercentage: spec.renewBeforePercentage }),
    );
  }

  /** Sleep until renewal is due, but never longer than the resync period. */
  msUntilRenewal(resyncMs: number, now = new Date()): number {
    const at = this.status.renewalTime ? new Date(this.status.renewalTime).getTime() - now.getTime() : resyncMs;
    return Math.max(1000, Math.min(at, resyncMs));
  }

  backoffRemainingMs(bounds: BackoffBounds, now = new Date()): number {
    const { lastFailureTime, failedIssuanceAttempts = 0 } = this.status;
    if (!lastFailureTime || failedIssuanceAttempts === 0) return 0;
    return new Date(lastFailureTime).getTime() + issuanceBackoff(failedIssuanceAttempts, bounds) - now.getTime();
  }

  backingOff(waitMs: number, now = new Date()): void {
    const issuing = this.status.conditions.find((c) => c.type === 'Issuing');
    const retryAt = isoSeconds(new Date(now.getTime() + waitMs));
    const last = issuing?.message.replace(/ Next attempt at .*$/, '') ?? 'The last issuance failed.';
    this.condition('Issuing', 'False', 'Failed', `${last} Next attempt at ${retryAt}.`, now);
  }

  issuing(reason: IssueReason, requestName: string, now = new Date()): void {
    this.status.currentRequest = requestName;
    this.condition('Issuing', 'True', reason.reason, reason.message, now);
  }

  issued(revision: number, stored: StoredCertificate, now = new Date()): void {
    this.status.revision = revision;
    this.setValidity(stored.notBefore, stored.notAfter);
    delete this.status.lastFailureTime;
    delete this.status.failedIssuanceAttempts;
    delete this.status.currentRequest;
    this.status.conditions = removeCondition(this.status.conditions, 'Issuing');
    this.condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired', now);
  }

  failed(message: string, now = new Date()): void {
    this.status.failedIssuanceAttempts = (this.status.failedIssuanceAttempts ?? 0) + 1;
    this.status.lastFailureTime = isoSeconds(now);
    delete this.status.currentRequest;
    this.condition('Issuing', 'False', 'Failed', message, now);
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
