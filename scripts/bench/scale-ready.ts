// Waits until every certificate of the layout is Ready at (at least) a given revision, by listing
// each namespace that still has one pending (one visibility query per 500), never one GET per
// certificate. Records when each was first seen Ready, for throughput and Secret→Ready figures.
import type { TestEnv } from '../../test/support/env.ts';
import { certKey, type Layout } from './scale-params.ts';

export interface Listed {
  metadata: { name: string; namespace: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; revision?: number };
}

export const isReady = (o: Listed) => (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export async function getJson<T>(env: TestEnv, pathname: string, signal?: AbortSignal): Promise<T> {
  const res = await env.api(pathname, { signal });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${pathname}: HTTP ${res.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

export const certificatesPath = (ns: string) => `/apis/cert-manager.io/v1/namespaces/${ns}/certificates`;

export interface ReadyWait {
  /** Wall-clock ms (Date.now) when each certificate was first listed Ready at its revision. */
  firstSeen: Map<string, number>;
  revisions: Map<string, number>;
  listCalls: number;
  itemsListed: number;
  /** Mean time between two looks at the same namespace: the resolution of firstSeen. */
  meanRoundMs: number;
}

export interface WaitOptions {
  pollMs: number;
  /** Fail when for this long no certificate became Ready and `liveness` did not move. */
  stallMs: number;
  /**
   * A number that grows while the service works. With N certificates issuing at once they
   * advance in step, and at N = 10,000 the first is Ready only near the end (at N = 200 after
   * 85 s of 137): Ready counts alone cannot tell a slow run from a stuck one.
   */
  liveness?: () => Promise<number>;
  signal: AbortSignal;
  log: (s: string) => void;
}

export async function waitAllReady(env: TestEnv, layout: Layout, minRevision: (key: string) => number, o: WaitOptions): Promise<ReadyWait> {
  const out: ReadyWait = { firstSeen: new Map(), revisions: new Map(), listCalls: 0, itemsListed: 0, meanRoundMs: 0 };
  const pending = new Map(layout.namespaces.map((ns) => [ns, new Set(layout.inNamespace(ns).map((c) => certKey(ns, c.name)))]));
  let lastProgress = Date.now();
  let live = await o.liveness?.();
  let lastLog = 0;
  let example = '';
  const started = Date.now();
  let rounds = 0;
  while (pending.size > 0) {
    o.signal.throwIfAborted();
    const roundStart = Date.now();
    for (const [ns, keys] of pending) {
      const list = await getJson<{ items: Listed[] }>(env, certificatesPath(ns), o.signal);
      const now = Date.now();
      out.listCalls++;
      out.itemsListed += list.items.length;
      for (const item of list.items) {
        const key = certKey(item.metadata.namespace, item.metadata.name);
        if (!keys.has(key)) continue;
        const revision = item.status?.revision ?? 0;
        if (isReady(item) && revision >= minRevision(key)) {
          keys.delete(key);
          out.firstSeen.set(key, now);
          out.revisions.set(key, revision);
          lastProgress = now;
        } else example = `${key}: revision ${revision}, ${JSON.stringify(item.status?.conditions ?? [])}`;
      }
      if (keys.size === 0) pending.delete(ns);
    }
    rounds++;
    const roundMs = Date.now() - roundStart;
    if (Date.now() - lastLog > 10_000 || pending.size === 0) {
      lastLog = Date.now();
      o.log(`  ready ${out.firstSeen.size}/${layout.n} (a listing round takes ${roundMs} ms)`);
    }
    if (pending.size === 0) break;
    const nowLive = await o.liveness?.();
    if (nowLive !== live) [live, lastProgress] = [nowLive, Date.now()];
    if (Date.now() - lastProgress > o.stallMs) {
      throw new Error(
        `no progress for ${o.stallMs / 1000} s (no certificate became Ready, no workflow started or closed); ${out.firstSeen.size}/${layout.n} Ready; e.g. ${example || 'not listed yet'}`,
      );
    }
    // Listing costs the API and Temporal CPU the service needs: keep it to about a fifth of the time.
    await new Promise((r) => setTimeout(r, Math.max(o.pollMs - roundMs, 4 * roundMs)));
  }
  out.meanRoundMs = Math.round((Date.now() - started) / Math.max(rounds, 1));
  return out;
}
