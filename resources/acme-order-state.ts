// ACME orders, authorizations and challenges as the order activities return them to the Order
// and Challenge workflows (RFC 8555 section 7.1.3-7.1.5), and the Retry-After that came with them.
import type { AcmeState } from './objects.ts';

export interface AcmeOrderState {
  url: string;
  status: AcmeState;
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: string;
}

export interface AcmeChallengeState {
  type: string;
  url: string;
  token: string;
  status: AcmeState;
  error?: string;
}

export interface AcmeAuthorizationState {
  url: string;
  status: AcmeState;
  identifier: { type: string; value: string };
  wildcard: boolean;
  challenges: AcmeChallengeState[];
}

/** A polled ACME object and how long the CA asked to wait before the next poll. */
export interface Polled<T> {
  value: T;
  retryAfterMs?: number;
}
