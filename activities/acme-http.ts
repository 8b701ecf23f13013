// The one way ACME HTTP requests leave the worker. acme-client sends every request through its
// module-level axios instance, so the issuer a request belongs to travels in AsyncLocalStorage:
// each call for an issuer runs inside `AcmeHttp.run(spec, ...)`, and one request interceptor
// gives the request that issuer's agents (its own TLS trust), the outbound policy (a lookup
// that refuses link-local and metadata answers), a deadline, and no redirects. A request made
// outside `run` is refused, so nothing reaches a CA without these.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import * as acme from 'acme-client';
import type { OutboundOptions } from '../platform/config.ts';
import { guardedLookup, OutboundRefusedError, refusalMessage } from '../platform/outbound-dns.ts';
import { bareHost, hostRefusal, type OutboundPolicy } from '../resources/outbound-policy.ts';
import type { AcmeIssuerSpec } from '../resources/types.ts';
import { clip } from './acme-problem.ts';
import { Bulkhead, DEFAULT_BULKHEAD } from './acme-bulkhead.ts';

export type AcmeTrustSpec = Pick<AcmeIssuerSpec, 'server' | 'caBundle' | 'skipTLSVerify'>;

/** Which agent a request uses: one per (origin, caBundle, skipTLSVerify), so trust never leaks between issuers. */
export function trustKey(spec: AcmeTrustSpec): string {
  const bundle = spec.caBundle ? createHash('sha256').update(spec.caBundle).digest('hex').slice(0, 32) : 'system-roots';
  return `${new URL(spec.server).origin}|${bundle}|${spec.skipTLSVerify ? 'skip-verify' : 'verify'}`;
}

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

interface Route {
  agents: Agents;
  origin: string;
  policy: OutboundPolicy;
  timeoutMs: number;
  /** The activity's own cancellation (its timeout included): in-flight requests end with it. */
  cancelled?: AbortSignal;
}

const als = new AsyncLocalStorage<Route>();

// Answers larger than this are not ACME: a certificate chain is a few kB.
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

acme.axios.interceptors.request.use((config) => {
  const route = als.getStore();
  if (!route) throw new Error("ACME request outside an issuer context refused: it would bypass the issuer's TLS trust and the outbound policy");
  // Node skips `lookup` for IP literals, so they are checked here; names are checked by the agent's lookup.
  const host = bareHost(new URL(config.url ?? '', config.baseURL).hostname);
  const refusal = hostRefusal(host, route.policy);
  if (refusal) throw new OutboundRefusedError(refusalMessage(host, refusal));
  config.httpAgent = route.agents.http;
  config.httpsAgent = route.agents.https;
  config.proxy = false;
  config.maxRedirects = 0;
  config.maxContentLength = MAX_RESPONSE_BYTES;
  config.timeout = route.timeoutMs;
  const deadline = AbortSignal.timeout(route.timeoutMs);
  // AbortSignal.any is Node >= 20.3; without it the deadline alone still bounds the request.
  config.signal = route.cancelled && typeof AbortSignal.any === 'function' ? AbortSignal.any([deadline, route.cancelled]) : deadline;
  return config;
});

// Temporal retries; acme-client's own retry would resend the same JWS and sleep unbounded.
(acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number } }).acmeSettings.retryMaxAttempts = 0;

// acme-client's response interceptor turns every error without a response (timeout, TLS,
// refused connection) into "Cannot read properties of undefined (reading 'config')", losing
// the cause. This one runs before it and turns them into a failure that says what happened; an
// error without `config` passes acme-client's interceptor untouched.
acme.axios.interceptors.response.use(undefined, (error: NetError & { response?: unknown }) => {
  if (error?.response) throw error;
  const route = als.getStore();
  throw networkFailure(error, route?.origin ?? 'ACME server', route?.timeoutMs ?? 0, route?.cancelled);
});
{
  const handlers = (acme.axios.interceptors.response as unknown as { handlers: unknown[] }).handlers;
  handlers.unshift(handlers.pop());
}

const SHED_RETRY_DELAY_MS = 5_000;

// Keeps recently used agents; an evicted agent closes its idle keep-alive sockets.
const MAX_AGENTS = 64;

export class AcmeHttp {
  private readonly agents = new Map<string, Agents>();
  private readonly bulkhead = new Bulkhead();

  constructor(private readonly options: OutboundOptions) {}

  get timeoutMs(): number {
    return this.options.acmeHttpTimeoutMs;
  }

  agentsFor(spec: AcmeTrustSpec): Agents {
    const key = trustKey(spec);
    let agents = this.agents.get(key);
    if (agents) {
      this.agents.delete(key);
    } else {
      const lookup = guardedLookup(this.options.policy, this.options.nameservers);
      agents = {
        http: new http.Agent({ keepAlive: true, lookup }),
        https: new https.Agent({
          keepAlive: true,
          lookup,
          // One TLS context per agent: given `ca`, Node builds a context (parsing every CA) per connection.
          secureContext: tls.createSecureContext(spec.caBundle ? { ca: Buffer.from(spec.caBundle, 'base64').toString('utf8') } : {}),
          rejectUnauthorized: !spec.skipTLSVerify,
        }),
      };
    }
    this.agents.set(key, agents);
    for (const [oldKey, old] of this.agents) {
      if (this.agents.size <= MAX_AGENTS) break;
      this.agents.delete(oldKey);
      old.http.destroy();
      old.https.destroy();
    }
    return agents;
  }

  /** Runs fn with every ACME request it makes bound to this issuer's trust, policy and deadline. */
  async run<T>(spec: AcmeTrustSpec, fn: () => Promise<T>): Promise<T> {
    const origin = new URL(spec.server).origin;
    const release = this.bulkhead.enter(origin);
    if (!release) {
      throw ApplicationFailure.create({
        type: 'AcmeServerUnresponsive',
        message: `ACME server ${origin} has ${this.bulkhead.stuck(origin)} requests unanswered for over ${DEFAULT_BULKHEAD.stuckAfterMs / 1000}s; not sending more until it answers`,
        // Longer than the local retry threshold: the retry waits on a timer, not in a task slot.
        nextRetryDelay: SHED_RETRY_DELAY_MS,
      });
    }
    const route: Route = { agents: this.agentsFor(spec), origin, policy: this.options.policy, timeoutMs: this.options.acmeHttpTimeoutMs, cancelled: activityCancellation() };
    try {
      return await als.run(route, fn);
    } catch (err) {
      throw networkFailure(err, origin, this.options.acmeHttpTimeoutMs, route.cancelled);
    } finally {
      release();
    }
  }
}

function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not inside an activity (unit tests, scripts)
  }
}

interface NetError {
  code?: string;
  name?: string;
  message?: string;
  isAxiosError?: boolean;
  cause?: unknown;
}

/** A Temporal failure that says what went wrong on the wire; ACME problems pass through untouched. */
export function networkFailure(err: unknown, origin: string, timeoutMs: number, cancelled?: AbortSignal): unknown {
  if (err instanceof ApplicationFailure) return err;
  const chain: NetError[] = [];
  for (let e = err as NetError | undefined; e && chain.length < 5; e = e.cause as NetError | undefined) chain.push(e);
  const refused = chain.find((e) => e.code === 'EOUTBOUNDREFUSED');
  if (refused) return ApplicationFailure.nonRetryable(refused.message ?? 'refused', 'OutboundRefused');
  const top = chain[0];
  if (!top?.isAxiosError) return err;
  const timedOut = top.code === 'ECONNABORTED' || top.code === 'ETIMEDOUT' || (top.name === 'CanceledError' && !cancelled?.aborted);
  if (timedOut) {
    return ApplicationFailure.retryable(`no answer from ACME server ${origin} within ${timeoutMs / 1000}s (ACME_HTTP_TIMEOUT)`, 'AcmeTimeout');
  }
  const detail =
    top.code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/.test(top.message ?? '') ? `answer larger than ${MAX_RESPONSE_BYTES} bytes` : (top.message ?? String(err));
  return ApplicationFailure.retryable(`ACME server ${origin}: ${clip(detail)}`, top.code ?? 'AcmeNetworkError');
}
