// ACME order, authorization and challenge calls (RFC 8555 section 7.4-7.5). Each is one short
// request; the workflows do the waiting between polls with durable timers and Retry-After.
import { ApplicationFailure } from '@temporalio/common';
import type { AcmeAuthorizationState, AcmeOrderState, Polled } from '../resources/acme-order-state.ts';
import type { AcmeState } from '../resources/objects.ts';
import { clip, describeProblem, markAccountLevel, problemType, retryAfterMs, type AcmeResponse } from './acme-problem.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { AcmeSessions } from './acme-session.ts';

type RawProblem = { type?: string; detail?: string; status?: number };
const problemText = (p: RawProblem | undefined) => (p ? clip(`${p.status ?? ''} ${problemType(p) ?? ''}: ${p.detail ?? ''}`.trim()) : undefined);

function toOrder(url: string, resp: AcmeResponse): AcmeOrderState {
  const d = resp.data as { status: AcmeState; authorizations?: string[]; finalize: string; certificate?: string; error?: RawProblem };
  return { url, status: d.status, authorizations: d.authorizations ?? [], finalize: d.finalize, certificate: d.certificate, error: problemText(d.error) };
}

function toAuthorization(url: string, resp: AcmeResponse): AcmeAuthorizationState {
  const d = resp.data as {
    status: AcmeState;
    identifier: { type: string; value: string };
    wildcard?: boolean;
    challenges?: { type: string; url: string; token: string; status: AcmeState; error?: RawProblem }[];
  };
  return {
    url,
    status: d.status,
    identifier: d.identifier,
    wildcard: d.wildcard ?? false,
    challenges: (d.challenges ?? []).map((c) => ({ type: c.type, url: c.url, token: c.token, status: c.status, error: problemText(c.error) })),
  };
}

export function orderActivities(sessions: AcmeSessions) {
  const polled = <T>(value: T, resp: AcmeResponse): Polled<T> => ({ value, retryAfterMs: retryAfterMs(resp.headers) });

  /** newOrder; `replaces` (RFC 9773) names the certificate this one renews. */
  async function createOrder(ctx: AcmeIssuerContext, identifiers: { type: 'dns' | 'ip'; value: string }[], replaces?: string): Promise<AcmeOrderState & { replaced?: string }> {
    const url = await sessions.resourceUrl(ctx, 'newOrder');
    let resp: AcmeResponse;
    try {
      resp = await sessions.post(ctx, url, replaces ? { identifiers, replaces } : { identifiers }, 'creating ACME order', [201, 200]);
    } catch (err) {
      // ARI only helps the CA plan; a refused `replaces` (alreadyReplaced, or a CA that cannot
      // find the old certificate's order: Pebble answers that with a 500) must not block the
      // renewal itself. Without it, the request's own error, if any, is what counts.
      if (!replaces || !(err instanceof ApplicationFailure)) throw markAccountLevel(err);
      return createOrder(ctx, identifiers);
    }
    const location = resp.headers.location;
    if (typeof location !== 'string') throw new Error('ACME server returned no order URL (Location header)');
    return { ...toOrder(location, resp), replaced: replaces };
  }

  return {
    createAcmeOrder: createOrder,

    async getAcmeOrder(ctx: AcmeIssuerContext, url: string): Promise<Polled<AcmeOrderState>> {
      const resp = await sessions.post(ctx, url, null, 'fetching ACME order', [200]);
      return polled(toOrder(url, resp), resp);
    },

    async getAcmeAuthorization(ctx: AcmeIssuerContext, url: string): Promise<Polled<AcmeAuthorizationState>> {
      const resp = await sessions.post(ctx, url, null, 'fetching ACME authorization', [200]);
      return polled(toAuthorization(url, resp), resp);
    },

    async acceptAcmeChallenge(ctx: AcmeIssuerContext, url: string): Promise<AcmeState> {
      try {
        const resp = await sessions.post(ctx, url, {}, 'accepting ACME challenge', [200]);
        return (resp.data as { status: AcmeState }).status;
      } catch (err) {
        // A retry after an accept that did land (the worker died before recording it) finds the
        // challenge past "pending", and a CA may refuse to accept it again (Pebble: 400
        // malformed "only status pending"): carry on from where it is.
        const resp = await sessions.post(ctx, url, null, 'fetching ACME challenge', [200]).catch(() => undefined);
        const status = (resp?.data as { status?: AcmeState } | undefined)?.status;
        if (status !== undefined && status !== 'pending') return status;
        throw err;
      }
    },

    async finalizeAcmeOrder(ctx: AcmeIssuerContext, order: { url: string; finalize: string; csrPem: string }): Promise<Polled<AcmeOrderState>> {
      const csr = pemBodyBase64Url(order.csrPem);
      try {
        const resp = await sessions.post(ctx, order.finalize, { csr }, 'finalizing ACME order', [200]);
        return polled(toOrder(order.url, resp), resp);
      } catch (err) {
        // A retry after a finalize that did land finds the order past "ready": carry on from there.
        if ((err as { type?: string }).type !== 'acme:orderNotReady') throw err;
        const resp = await sessions.post(ctx, order.url, null, 'fetching ACME order', [200]);
        const state = toOrder(order.url, resp);
        if (state.status === 'processing' || state.status === 'valid') return polled(state, resp);
        throw err;
      }
    },

    async downloadAcmeCertificate(ctx: AcmeIssuerContext, certificateUrl: string): Promise<string> {
      const resp = await sessions.post(ctx, certificateUrl, null, 'downloading certificate', [200]);
      if (typeof resp.data !== 'string' || !resp.data.includes('BEGIN CERTIFICATE')) {
        throw new Error(`certificate download returned no PEM chain: ${describeProblem(resp)}`);
      }
      return resp.data;
    },
  };
}

function pemBodyBase64Url(pem: string): string {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(b64, 'base64').toString('base64url');
}
