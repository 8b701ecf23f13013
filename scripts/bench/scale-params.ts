// The scale bench's knobs (environment variables) and how its N certificates are laid out:
// namespaces of PER_NAMESPACE certificates each, and label shards spread across all namespaces so
// a label-selector list returns about PER_NAMESPACE items from every namespace.
function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function positive(name: string, fallback: number): number {
  const n = knob(name, fallback);
  if (n < 1) throw new Error(`${name} must be at least 1, got ${n}`);
  return n;
}

export function scaleParams() {
  const n = positive('BENCH_SCALE_N', 1000);
  const db = process.env.BENCH_SCALE_TEMPORAL_DB || 'file';
  if (db !== 'file' && db !== 'memory') throw new Error(`BENCH_SCALE_TEMPORAL_DB must be "file" or "memory", got "${db}"`);
  const applyBatch = Math.min(positive('BENCH_SCALE_APPLY_BATCH', 1000), n);
  // The storm is 1,000 certificates falling due together, whatever N is.
  const stormN = Math.min(positive('BENCH_SCALE_STORM_N', 1000), n);
  return {
    n,
    /** Renew requests in flight during the storm, and the floor's issuances in flight. */
    concurrency: positive('BENCH_SCALE_CONCURRENCY', 50),
    applyBatch,
    /** The bench's own API takes a request of applyBatch documents (the service default is 1,000). */
    apiMaxDocuments: Math.max(1000, applyBatch),
    apiMaxBodyBytes: Math.max(1024 * 1024, applyBatch * 1024),
    perNamespace: positive('BENCH_SCALE_PER_NAMESPACE', 500),
    idleSeconds: positive('BENCH_SCALE_IDLE_SECONDS', 60),
    /**
     * After the last Ready, before the idle window: the burst has a tail (at N = 10,000 Temporal
     * used 14-24 % of a core for two minutes, then 0.5 %; the worker's RSS fell by a fifth). Its
     * CPU is reported too, as what the first minutes after a burst cost.
     */
    settleSeconds: positive('BENCH_SCALE_SETTLE_SECONDS', 120),
    pollMs: positive('BENCH_SCALE_POLL_MS', 2000),
    stallSeconds: positive('BENCH_SCALE_STALL_SECONDS', 300),
    listReps: positive('BENCH_SCALE_LIST_REPS', 5),
    /** Certificates renewed at once in the storm: the first stormN of the layout. */
    stormN,
    floorN: Math.min(positive('BENCH_SCALE_FLOOR_N', stormN), stormN),
    secretSamples: knob('BENCH_SCALE_SECRET_SAMPLES', 5),
    temporalDb: db as 'file' | 'memory',
  };
}
export type ScaleParams = ReturnType<typeof scaleParams>;

export interface CertRef {
  index: number;
  namespace: string;
  name: string;
  secretName: string;
}

export class Layout {
  readonly namespaces: string[];
  readonly shards: number;
  readonly certs: CertRef[];
  constructor(
    readonly n: number,
    perNamespace: number,
  ) {
    const count = Math.ceil(n / perNamespace);
    this.namespaces = Array.from({ length: count }, (_, j) => `scale-${j}`);
    this.shards = count;
    this.certs = Array.from({ length: n }, (_, i) => ({ index: i, namespace: this.namespaces[Math.floor(i / perNamespace)]!, name: `c-${i}`, secretName: `c-${i}-tls` }));
  }
  shard(index: number): string {
    return `s${index % this.shards}`;
  }
  inNamespace(ns: string): CertRef[] {
    return this.certs.filter((c) => c.namespace === ns);
  }
}

export const certKey = (namespace: string, name: string) => `${namespace}/${name}`;
