// The renewal storm: POST .../renew for all N (concurrency requests in flight; each is a signal,
// so every certificate is renewing at once), then list until each is Ready at a higher revision.
import { eachBounded } from '../../platform/bounded.ts';
import type { TestEnv } from '../../test/support/env.ts';
import { round2 } from './measure.ts';
import { certKey, type Layout, type ScaleParams } from './scale-params.ts';
import { waitAllReady, type ReadyWait, type WaitOptions } from './scale-ready.ts';

export interface StormFigures {
  n: number;
  renewRequestsSeconds: number;
  seconds: number;
  certsPerSecond: number;
}

export const renewPath = (ns: string, name: string) => `/apis/cert-manager.io/v1/namespaces/${ns}/certificates/${name}/renew`;

export async function renewalStorm(env: TestEnv, layout: Layout, before: Map<string, number>, p: ScaleParams, o: WaitOptions): Promise<{ figures: StormFigures; wait: ReadyWait }> {
  const failed = new AbortController();
  const t0 = Date.now();
  const ready = waitAllReady(env, layout, (key) => (before.get(key) ?? 0) + 1, { ...o, signal: AbortSignal.any([o.signal, failed.signal]) });
  ready.catch(() => {});
  try {
    await eachBounded(layout.certs, p.concurrency, async (c) => {
      const res = await env.api(renewPath(c.namespace, c.name), { method: 'POST', signal: o.signal });
      const body = await res.text();
      if (res.status !== 202) throw new Error(`renewing ${c.namespace}/${c.name}: HTTP ${res.status}: ${body.slice(0, 300)}`);
    });
  } catch (err) {
    failed.abort(err);
    throw err;
  }
  const renewRequestsSeconds = (Date.now() - t0) / 1000;
  o.log(`  ${layout.n} renew requests answered in ${renewRequestsSeconds.toFixed(1)} s`);
  const wait = await ready;
  const seconds = (Math.max(...wait.firstSeen.values()) - t0) / 1000;
  for (const c of layout.certs) if (!wait.revisions.has(certKey(c.namespace, c.name))) throw new Error(`storm: ${c.namespace}/${c.name} not seen`);
  return { figures: { n: layout.n, renewRequestsSeconds: round2(renewRequestsSeconds), seconds: round2(seconds), certsPerSecond: round2(layout.n / seconds) }, wait };
}
