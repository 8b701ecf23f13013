// Without a token the API trusts being reachable from this machine only. A web page can still
// reach it through DNS rebinding (its own name re-pointed at 127.0.0.1), and then its requests are
// same-origin; the Host header still carries the page's name. So in that mode only loopback
// names are served.
import { isLoopback } from './bind-policy.ts';

export function foreignHostReason(host: string | undefined, c: { apiToken?: string; allowUnauthenticated: boolean }): string | undefined {
  if (c.apiToken || c.allowUnauthenticated) return undefined;
  const name = (host ?? '').replace(/:\d+$/, '');
  if (isLoopback(name)) return undefined;
  return `refusing Host ${JSON.stringify(host ?? '')}: without API_TOKEN the API answers only requests addressed to localhost, 127.0.0.1 or [::1]`;
}
