// The initial issuance of N: apply the Certificates in requests of applyBatch documents, one
// request after the other, while listing until every one is Ready (revision >= 1).
import type { TestEnv } from '../../test/support/env.ts';
import { round2 } from './measure.ts';
import { certificatesYaml } from './scale-manifests.ts';
import type { Layout, ScaleParams } from './scale-params.ts';
import { waitAllReady, type ReadyWait, type WaitOptions } from './scale-ready.ts';
import { summarize } from './stats.ts';

export interface IssueFigures {
  n: number;
  seconds: number;
  certsPerSecond: number;
  apply: { requests: number; documentsPerRequest: number; apiMaxDocuments: number; firstRequestSeconds: number; p50RequestSeconds: number; maxRequestSeconds: number; allRequestsSeconds: number };
}

export async function issueAll(env: TestEnv, layout: Layout, p: ScaleParams, o: WaitOptions): Promise<{ figures: IssueFigures; wait: ReadyWait }> {
  const applyFailed = new AbortController();
  const t0 = Date.now();
  const ready = waitAllReady(env, layout, () => 1, { ...o, signal: AbortSignal.any([o.signal, applyFailed.signal]) });
  ready.catch(() => {}); // awaited below; an apply failure wins the report
  const requestMs: number[] = [];
  try {
    for (let i = 0; i < layout.n; i += p.applyBatch) {
      const batch = layout.certs.slice(i, i + p.applyBatch);
      const started = performance.now();
      const res = await env.apply(certificatesYaml(layout, batch));
      const body = await res.text();
      requestMs.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`applying Certificates ${i}..${i + batch.length - 1} failed: HTTP ${res.status}: ${body.slice(0, 500)}`);
      const items = (JSON.parse(body) as { items: unknown[] }).items;
      if (items.length !== batch.length) throw new Error(`apply answered ${items.length} items for ${batch.length} documents`);
      o.log(`  applied ${i + batch.length}/${layout.n} (${batch.length} in one request: ${(requestMs.at(-1)! / 1000).toFixed(2)} s)`);
    }
  } catch (err) {
    applyFailed.abort(err);
    throw err;
  }
  const wait = await ready;
  const seconds = (Math.max(...wait.firstSeen.values()) - t0) / 1000;
  const req = summarize(requestMs);
  return {
    figures: {
      n: layout.n,
      seconds: round2(seconds),
      certsPerSecond: round2(layout.n / seconds),
      apply: {
        requests: requestMs.length,
        documentsPerRequest: p.applyBatch,
        apiMaxDocuments: p.apiMaxDocuments,
        firstRequestSeconds: round2(requestMs[0]! / 1000),
        p50RequestSeconds: round2(req.p50 / 1000),
        maxRequestSeconds: round2(req.max / 1000),
        allRequestsSeconds: round2(requestMs.reduce((a, b) => a + b, 0) / 1000),
      },
    },
    wait,
  };
}
