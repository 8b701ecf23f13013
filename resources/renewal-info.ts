// ACME Renewal Information (RFC 9773) as the renewal-info activity returns it: the CA's suggested
// renewal window, or that the CA does not offer one.
export type RenewalInfo = { supported: false } | { supported: true; window: { start: string; end: string }; explanationURL?: string; retryAfterMs?: number };
