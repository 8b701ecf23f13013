// Browsers send some cross-origin POSTs without a preflight (text/plain forms, fetch no-cors), and a
// loopback API without a token would obey them. State-changing requests from another site are refused.
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function crossSiteReason(method: string, headers: { secFetchSite?: string; origin?: string; host?: string }): string | undefined {
  if (!STATE_CHANGING.has(method.toUpperCase())) return undefined;
  const site = headers.secFetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `refusing a ${site} browser request (Sec-Fetch-Site: ${site})`;
  if (headers.origin === undefined) return undefined;
  let originHost: string | undefined;
  try {
    originHost = new URL(headers.origin).host;
  } catch {
    originHost = undefined; // "null" (sandboxed frames, file://) or garbage: not this site
  }
  if (originHost && headers.host && originHost.toLowerCase() === headers.host.toLowerCase()) return undefined;
  return `refusing a cross-origin browser request (Origin ${JSON.stringify(headers.origin)} is not ${JSON.stringify(headers.host ?? '')})`;
}
