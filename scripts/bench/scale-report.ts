// The scale bench's table (figure, value, the issue's target at N = 10,000) and its JSON line.
import type { IssueFigures } from './scale-issue.ts';
import type { ListFigure } from './scale-lists.ts';
import type { ScaleParams } from './scale-params.ts';
import type { CpuPerCert, CpuWindow, RssFigures } from './scale-procs.ts';
import type { SecretToReady } from './scale-secret-ready.ts';
import type { StormFigures } from './scale-storm.ts';

export interface ScaleResults {
  machine: { loadAvg1mAtStart: number; node: string; cpus: number; cpuModel: string; platform: string };
  params: ScaleParams & { namespaces: number };
  issue: IssueFigures;
  /** Over each phase, per certificate it issued: the first issuance of N, the storm's renewals, the floor's issuances. */
  cpuMsPerCert: { issue: CpuPerCert; storm: CpuPerCert; floor: CpuPerCert };
  /** Right after the last Ready, while the burst's tail drains. */
  settlingCpuPercentOfCore: CpuWindow;
  idleCpuPercentOfCore: CpuWindow;
  rssMiB: { atLastReady: RssFigures; atN: RssFigures; peak: { worker: number; api: number } };
  lists: ListFigure[];
  storm: StormFigures;
  floor: { n: number; concurrency: number; seconds: number; certsPerSecond: number; secondsForN: number; extrapolated: boolean };
  stormToFloorRatio: number;
  secretToReady: SecretToReady;
  totalSeconds: number;
}

export function printScaleReport(r: ScaleResults): void {
  const { params: p, issue: i, settlingCpuPercentOfCore: tail, idleCpuPercentOfCore: cpu, rssMiB: m, storm: s, floor: f, secretToReady: sr } = r;
  const rows: [string, string, string][] = [
    ['figure', `N = ${p.n}`, 'target at 10,000'],
    [`issue N: time / throughput`, `${i.seconds} s / ${i.certsPerSecond} certs/s`, '-'],
    [`apply ${i.apply.documentsPerRequest} Certificates in one request (first)`, `${i.apply.firstRequestSeconds} s (HTTP ${i.apply.firstRequestStatus})`, '≤ 10 s for 1,000'],
    [`  ${i.apply.requests} batches accepted: p50 / max / sum`, `${i.apply.p50BatchSeconds} / ${i.apply.maxBatchSeconds} / ${i.apply.allBatchesSeconds} s`, '-'],
    [`  503 answers (no worker took an apply in 30 s), sent again`, `${i.apply.unavailable503}`, '0'],
    ...r.lists.map((l): [string, string, string] => [
      `list ${l.what} (${l.items}) p50 / max`,
      `${l.p50Ms} / ${l.maxMs} ms`,
      l.what.includes('one namespace') ? '≤ 200 ms (500 items)' : '-',
    ]),
    [`CPU in the ${tail.seconds} s after the last Ready, worker / API / Temporal`, `${tail.worker} / ${tail.api} / ${tail.temporal} (${tail.total} % of a core)`, '-'],
    [`idle CPU worker / API / Temporal (% of a core)`, `${cpu.worker} / ${cpu.api} / ${cpu.temporal}`, '-'],
    [`idle CPU total over the next ${cpu.seconds} s`, `${cpu.total} % of a core`, '≤ 5 %'],
    [`RSS at the last Ready worker / API`, `${m.atLastReady.worker} / ${m.atLastReady.api} MiB`, '-'],
    [`RSS at N (after settling) worker / API / Temporal`, `${m.atN.worker} / ${m.atN.api} / ${m.atN.temporal} MiB`, '-'],
    [`RSS at N worker + API`, `${m.atN.workerPlusApi} MiB`, '≤ 512 MiB'],
    [`RSS peak worker / API`, `${m.peak.worker} / ${m.peak.api} MiB`, '-'],
    [`renewal storm: ${s.n} of N renewed at once`, `${s.seconds} s (${s.certsPerSecond} certs/s)`, '-'],
    [`floor: ${s.n} issuances at concurrency ${f.concurrency}`, `${f.secondsForN} s${f.extrapolated ? ` (from ${f.n})` : ''} (${f.certsPerSecond} certs/s)`, '-'],
    [`storm / floor`, `${r.stormToFloorRatio}x`, '≤ 1.5x'],
    ...(['issue', 'storm', 'floor'] as const).map((phase): [string, string, string] => {
      const c = r.cpuMsPerCert[phase];
      return [`CPU ms/cert, ${phase}: worker / API / Temporal / bench = all`, `${c.worker} / ${c.api} / ${c.temporal} / ${c.bench} = ${c.total}`, '-'];
    }),
    [`Secret written → Ready, GET (${sr.single.samples} renewals) p50 / max`, `${sr.single.getMs.p50} / ${sr.single.getMs.max} ms`, '-'],
    [`Secret written → Ready, list p50 / max`, `${sr.single.listMs.p50} / ${sr.single.listMs.max} ms`, '-'],
    [`  during the storm p50 / p90 / max`, `${sr.storm.p50} / ${sr.storm.p90} / ${sr.storm.max} ms (±${sr.storm.resolutionMs})`, '-'],
  ];
  console.log('');
  for (const [a, b, c] of rows) console.log(`${a.padEnd(62)} ${b.padEnd(34)} ${c}`);
  console.log('');
  console.log(`machine: node ${r.machine.node}, ${r.machine.cpus} CPUs, ${r.machine.cpuModel} (${r.machine.platform}), 1-min load average at start ${r.machine.loadAvg1mAtStart}`);
  console.log(
    `layout: ${p.n} Certificates in ${p.namespaces} namespace(s) of ≤ ${p.perNamespace}, one ClusterIssuer; applied ${p.applyBatch} per request ` +
      `(API_MAX_DOCUMENTS=${p.apiMaxDocuments} for the bench's API, the service default is 1,000); Temporal dev server SQLite: ${p.temporalDb} (WAL, synchronous=normal when a file); Pebble PEBBLE_VA_NOSLEEP=1, PEBBLE_AUTHZREUSE=0`,
  );
  console.log(
    `Ready detected by listing each namespace (no per-certificate GET), every ≥ ${p.pollMs} ms; CPU from /proc/<pid>/stat; the idle window starts ${p.settleSeconds} s after the last Ready; RSS is VmRSS of the compiled worker and API processes (\`node dist/scripts/…\`, as \`npm run worker\` and \`npm run api\` run them)`,
  );
  console.log(
    `storm: ${p.concurrency} renew requests in flight; the floor is a bare acme-client loop against the same Pebble with ${p.concurrency} issuances in flight, worker stopped`,
  );
  console.log(
    `CPU ms/cert: each process's CPU over the phase divided by the certificates it issued (a first issuance of N, a renewal of the storm's, a floor issuance); bench = this process (its pollers, and the floor's acme-client and keys); Temporal and the API run through the floor too`,
  );
  console.log(`total bench wall time: ${r.totalSeconds} s`);
  console.log(`BENCH_SCALE_JSON ${JSON.stringify(r)}`);
}
