// Whether the API may listen where HOST says: without a token it serves this machine only, so a
// private key or a manifest apply is never one unauthenticated request away from the network.
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

export type BindDecision = { ok: false; message: string } | { ok: true; level: 'info' | 'warn'; message: string };

export function bindDecision(c: { host: string; apiToken?: string; allowUnauthenticated: boolean }): BindDecision {
  if (c.apiToken) return { ok: true, level: 'info', message: `API listens on ${c.host}; every endpoint but /healthz and /readyz needs Authorization: Bearer <API_TOKEN>` };
  if (isLoopback(c.host)) {
    return {
      ok: true,
      level: 'info',
      message: `no API_TOKEN: the API listens on ${c.host} only (loopback) and needs no token; set API_TOKEN or API_TOKEN_FILE to serve other machines`,
    };
  }
  if (c.allowUnauthenticated) {
    return {
      ok: true,
      level: 'warn',
      message: `ALLOW_UNAUTHENTICATED=true: the API listens on ${c.host} WITHOUT AUTHENTICATION; anyone who reaches this port can apply, renew and delete resources`,
    };
  }
  return {
    ok: false,
    message: `refusing to start: HOST=${c.host} is not a loopback address and no API_TOKEN is set. Set API_TOKEN (or API_TOKEN_FILE), or bind HOST=127.0.0.1, or set ALLOW_UNAUTHENTICATED=true to expose the API without authentication`,
  };
}
