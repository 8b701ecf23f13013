// Turns an ACME error response into a Temporal failure that says whether a retry can help.
// acme-client throws a bare Error(detail); we read the raw response so the problem type, HTTP
// status and Retry-After survive, and Temporal's retry policy (not acme-client) does the waiting.
import { ApplicationFailure } from '@temporalio/common';
import { ACCOUNT_LEVEL } from '../resources/account-rejection.ts';

export interface AcmeResponse {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

interface Problem {
  type?: string;
  detail?: string;
  subproblems?: { type?: string; detail?: string; identifier?: { value?: string } }[];
}

const PREFIX = 'urn:ietf:params:acme:error:';
const RETRYABLE = new Set(['badNonce', 'rateLimited', 'serverInternal']);

export function problemType(data: unknown): string | undefined {
  const type = (data as Problem | undefined)?.type;
  return typeof type === 'string' ? type.replace(PREFIX, '') : undefined;
}

/** How much of a server's text an error quotes: enough to read the problem, not a whole page. */
export const QUOTE_LIMIT = 300;

/** `text` cut to `max` characters, with "…" when something was cut. */
export function clip(text: string, max = QUOTE_LIMIT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function describeProblem(resp: AcmeResponse): string {
  const p = (isObject(resp.data) ? resp.data : {}) as Problem;
  const type = problemType(p) ?? 'error';
  const subs = (Array.isArray(p.subproblems) ? p.subproblems : []).map((s) => `${s.identifier?.value ?? ''}: ${s.detail ?? problemType(s) ?? ''}`);
  const detail = typeof p.detail === 'string' ? p.detail : quoteBody(resp.data);
  return `${resp.status} ${type}: ${clip(`${detail}${subs.length ? ` (${subs.join('; ')})` : ''}`)}`;
}

function isObject(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/** A body of any shape as short text (strings as they are: HTML or plain text from a non-ACME server). */
function quoteBody(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8', 0, QUOTE_LIMIT + 1);
  return JSON.stringify(data) ?? String(data);
}

/** Seconds or HTTP-date, as RFC 9110 allows; undefined when absent or unparseable. */
export function retryAfterMs(headers: Record<string, unknown>, now = Date.now()): number | undefined {
  const raw = headers['retry-after'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const s = String(raw).trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  // Otherwise only an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"): Date.parse takes almost anything.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(s)) return undefined;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function acmeFailure(resp: AcmeResponse, context: string): ApplicationFailure {
  const type = problemType(resp.data);
  const retryable = resp.status === 429 || resp.status >= 500 || (type !== undefined && RETRYABLE.has(type));
  const delay = retryable ? retryAfterMs(resp.headers) : undefined;
  return ApplicationFailure.create({
    type: `acme:${type ?? `http${resp.status}`}`,
    message: `${context}: ${describeProblem(resp)}`,
    nonRetryable: !retryable,
    // Honour the server's Retry-After rather than our exponential schedule.
    nextRetryDelay: delay !== undefined ? Math.max(delay, 1000) : undefined,
  });
}

export function ensureOk(resp: AcmeResponse, context: string, ok: number[] = [200, 201]): AcmeResponse {
  if (!ok.includes(resp.status)) throw acmeFailure(resp, context);
  return resp;
}

/**
 * Marks an `unauthorized` met on a request about nothing but the account (newOrder), so the
 * Certificate tells it apart from a failed challenge's `unauthorized` (resources/account-rejection.ts).
 */
export function markAccountLevel(err: unknown): unknown {
  if (!(err instanceof ApplicationFailure) || err.type !== 'acme:unauthorized') return err;
  return ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: err.nonRetryable ?? undefined, details: [ACCOUNT_LEVEL] });
}
