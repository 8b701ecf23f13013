// ACME Renewal Information (RFC 9773): the CA's suggested renewal window for a certificate.
import { ApplicationFailure } from '@temporalio/common';
import { acmeFailure, retryAfterMs } from './acme-problem.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { RenewalInfo } from '../resources/renewal-info.ts';
import type { AcmeSessions } from './acme-session.ts';

export function renewalInfoActivities(sessions: AcmeSessions) {
  return {
    async fetchRenewalInfo(ctx: AcmeIssuerContext, certId: string): Promise<RenewalInfo> {
      const base = (await sessions.directory(ctx)).renewalInfo;
      if (typeof base !== 'string') return { supported: false };
      const resp = await sessions.get(ctx, `${base.replace(/\/$/, '')}/${certId}`);
      if (resp.status !== 200) throw acmeFailure(resp, 'fetching ACME renewal information');
      const data = resp.data as { suggestedWindow?: { start?: string; end?: string }; explanationURL?: string };
      const start = Date.parse(data.suggestedWindow?.start ?? '');
      const end = Date.parse(data.suggestedWindow?.end ?? '');
      if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
        // RFC 9773: a window whose end does not follow its start is invalid; treat as a server error.
        throw ApplicationFailure.retryable(`invalid renewal information: ${JSON.stringify(resp.data).slice(0, 200)}`, 'InvalidRenewalInfo');
      }
      return {
        supported: true,
        window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
        explanationURL: data.explanationURL,
        retryAfterMs: retryAfterMs(resp.headers),
      };
    },
  };
}
