// The initial issuance of N: apply the Certificates in requests of applyBatch documents, one
// request after the other, while listing until every one is Ready (revision >= 1). A request the
// API answers 503 (no worker took an apply within its deadline; "applying again is safe") is sent
// again, as a user would, and counted.
import type { TestEnv } from '../../test/support/env.ts';
import { round2 } from './measure.ts';
import { certificatesYaml } from './scale-manifests.ts';
import type { Layout, ScaleParams } from './scale-params.ts';
import { waitAllReady, type ReadyWait, type WaitOptions } from './scale-ready.ts';
import { summarize } from './stats.ts';

const MAX_ATTEMPTS = 20;

export interface IssueFigures {
  n: number;
  seconds: number;
  certsPerSecond: number;
  apply: {
    requests: number;
    documentsPerRequest: number;
    apiMaxDocuments: number;
    /** The first request, on a worker with nothing else to do yet. */
    firstRequestSeconds: number;
    firstRequestStatus: number;
    /** Per batch, until the API accepted all of it (503s sent again). */
    p50BatchSeconds: number;
    maxBatchSeconds: number;
    allBatchesSeconds: number;
    unavailable503: number;
  };
}

export async function issueAll(env: TestEnv, layout: Layout, p: ScaleParams, o: WaitOptions): Promise<{ figures: IssueFigures; wait: ReadyWait }> {
  const applyFailed = new AbortController();
  const t0 = Date.now();
  const ready = waitAllReady(env, layout, () => 1, { ...o, signal: AbortSignal.any([o.signal, applyFailed.signal]) });
  ready.catch(() => {}); // awaited below; an apply failure wins the report
  const batchMs: number[] = [];
  let first: { ms: number; status: number } | undefined;
  let unavailable503 = 0;
  try {
    for (let i = 0; i < layout.n; i += p.applyBatch) {
      const batch = layout.certs.slice(i, i + p.applyBatch);
      const started = performance.now();
      for (let attempt = 1; ; attempt++) {
        const sent = performance.now();
        const res = await env.apply(certificatesYaml(layout, batch));
        const body = await res.text();
        first ??= { ms: performance.now() - sent, status: res.status };
        if (res.status === 503 && attempt < MAX_ATTEMPTS) {
          unavailable503++;
          o.log(`  apply of ${i}..${i + batch.length - 1}: 503 after ${((performance.now() - sent) / 1000).toFixed(1)} s, sending it again`);
          continue;
        }
        if (res.status !== 200) throw new Error(`applying Certificates ${i}..${i + batch.length - 1} failed: HTTP ${res.status}: ${body.slice(0, 500)}`);
        const items = (JSON.parse(body) as { items: unknown[] }).items;
        if (items.length !== batch.length) throw new Error(`apply answered ${items.length} items for ${batch.length} documents`);
        break;
      }
      batchMs.push(performance.now() - started);
      o.log(`  applied ${i + batch.length}/${layout.n} (${batch.length} per request: ${(batchMs.at(-1)! / 1000).toFixed(2)} s)`);
    }
  } catch (err) {
    applyFailed.abort(err);
    throw err;
  }
  const wait = await ready;
  const seconds = (Math.max(...wait.firstSeen.values()) - t0) / 1000;
  const batches = summarize(batchMs);
  return {
    figures: {
      n: layout.n,
      seconds: round2(seconds),
      certsPerSecond: round2(layout.n / seconds),
      apply: {
        requests: batchMs.length,
        documentsPerRequest: p.applyBatch,
        apiMaxDocuments: p.apiMaxDocuments,
        firstRequestSeconds: round2(first!.ms / 1000),
        firstRequestStatus: first!.status,
        p50BatchSeconds: round2(batches.p50 / 1000),
        maxBatchSeconds: round2(batches.max / 1000),
        allBatchesSeconds: round2(batchMs.reduce((a, b) => a + b, 0) / 1000),
        unavailable503,
      },
    },
    wait,
  };
}
