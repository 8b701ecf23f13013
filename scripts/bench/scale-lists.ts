// List latencies with N certificates issued: each list timed `reps` times, one after the other,
// with the item count checked where the layout says what it must be.
import type { TestEnv } from '../../test/support/env.ts';
import type { Layout } from './scale-params.ts';
import { getJson } from './scale-ready.ts';
import { summarize } from './stats.ts';

export interface ListFigure {
  what: string;
  path: string;
  items: number;
  p50Ms: number;
  maxMs: number;
}

export function listCases(layout: Layout): { what: string; path: string; expect?: number }[] {
  const ns = layout.namespaces[0]!;
  const inNs = layout.inNamespace(ns).length;
  const shard0 = layout.certs.filter((c) => layout.shard(c.index) === 's0').length;
  return [
    { what: `Certificates, one namespace`, path: `/apis/cert-manager.io/v1/namespaces/${ns}/certificates`, expect: inNs },
    { what: `CertificateRequests, one namespace`, path: `/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests` },
    // revisionHistoryLimit 1 (the default): one request listed per Certificate.
    { what: `CertificateRequests, all namespaces`, path: `/apis/cert-manager.io/v1/certificaterequests`, expect: layout.n },
    { what: `Orders, one namespace`, path: `/apis/acme.cert-manager.io/v1/namespaces/${ns}/orders` },
    { what: `Challenges, one namespace`, path: `/apis/acme.cert-manager.io/v1/namespaces/${ns}/challenges` },
    { what: `Certificates, all namespaces`, path: `/apis/cert-manager.io/v1/certificates`, expect: layout.n },
    { what: `Certificates, all namespaces, limit=500`, path: `/apis/cert-manager.io/v1/certificates?limit=500`, expect: Math.min(500, layout.n) },
    {
      what: `Certificates, all namespaces, labelSelector`,
      path: `/apis/cert-manager.io/v1/certificates?labelSelector=${encodeURIComponent('bench=scale,shard=s0')}`,
      expect: shard0,
    },
  ];
}

export async function measureLists(env: TestEnv, layout: Layout, reps: number, signal: AbortSignal): Promise<ListFigure[]> {
  const out: ListFigure[] = [];
  for (const c of listCases(layout)) {
    const ms: number[] = [];
    let items = 0;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      items = (await getJson<{ items: unknown[] }>(env, c.path, signal)).items.length;
      ms.push(performance.now() - t0);
      if (c.expect !== undefined && items !== c.expect) throw new Error(`${c.what}: ${items} items, expected ${c.expect} (${c.path})`);
    }
    const s = summarize(ms);
    out.push({ what: c.what, path: c.path, items, p50Ms: s.p50, maxMs: s.max });
  }
  return out;
}
