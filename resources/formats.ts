// Validators for free-form string formats, in the same "reason or undefined" style as names.ts.
import { isIP } from 'node:net';
import { hostRefusal } from './outbound-policy.ts';

const WHITESPACE = /\s/;

/**
 * local@domain with a dot inside the domain, no whitespace, within SMTP's lengths (RFC 5321:
 * 254 in all, 64 for the local part). Plain string steps, linear in the input: the regex this
 * replaces backtracked quadratically (60,000 characters held the event loop for 2 s).
 */
export function emailError(s: string): string | undefined {
  if (s.length > 254) return 'must be an email address of at most 254 characters';
  const at = s.indexOf('@');
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const dot = domain.indexOf('.', 1);
  const ok = at > 0 && local.length <= 64 && !domain.includes('@') && dot > 0 && dot < domain.length - 1 && !WHITESPACE.test(s);
  return ok ? undefined : 'must be an email address';
}

export function httpUrlError(s: string): string | undefined {
  if (s.length > 2048) return 'must be no more than 2048 characters';
  const protocol = URL.canParse(s) ? new URL(s).protocol : '';
  return protocol === 'https:' || protocol === 'http:' ? undefined : 'must be an http or https URL';
}

/**
 * An ACME directory URL the worker may fetch: http(s), and not a link-local or cloud metadata
 * address or name (the configurable lists and DNS answers are checked by the API and at connect).
 */
export function acmeServerError(s: string): string | undefined {
  const urlError = httpUrlError(s);
  if (urlError) return urlError;
  const refusal = hostRefusal(new URL(s).hostname);
  return refusal ? `ACME server refused: ${refusal}` : undefined;
}

export function ipAddressError(s: string): string | undefined {
  return isIP(s) === 0 ? 'must be a valid IPv4 or IPv6 address' : undefined;
}

export function uriError(s: string): string | undefined {
  if (s.length > 2048) return 'must be no more than 2048 characters';
  return URL.canParse(s) ? undefined : 'must be a valid URI';
}

/** Decodes standard padded base64, or undefined: Buffer.from silently skips bad characters, so round-trip to be strict. */
export function decodeBase64(s: string): Buffer | undefined {
  const compact = s.replace(/[\r\n]/g, '');
  const bytes = Buffer.from(compact, 'base64');
  return bytes.toString('base64') === compact ? bytes : undefined;
}

export function caBundleError(s: string): string | undefined {
  const pem = decodeBase64(s)?.toString('utf8');
  return pem?.includes('-----BEGIN CERTIFICATE-----') ? undefined : 'must be base64 of PEM certificates';
}
