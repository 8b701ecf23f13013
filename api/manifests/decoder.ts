// Parses and validates manifest bodies on a worker thread, one at a time, each within a deadline.
// The yaml library's cost is not linear in the worst case (measured here: a 1 MiB YAML of 65,000
// keys took 93 s, a flow list of 500,000 items 8.5 s); on the API's own thread that would stop
// every other request, /healthz included. A body that overruns the deadline is refused and the
// worker is replaced. The deadline grows with the documents a body announces: the costly cases
// are single huge documents, while a request of 1,000 plain ones takes 0.3-0.6 s of CPU to
// decode, and more than 2 s of wall time on a loaded machine.
import { Worker } from 'node:worker_threads';
import type { ManifestFormat } from '../../resources/content-type.ts';
import { reviveManifests, type DecodeResult } from '../../resources/decode-manifests.ts';
import { countYamlDocuments, type ParseLimits } from '../../resources/parse-body.ts';
import { failureStatus, tooLargeStatus } from '../../resources/status.ts';

export interface DecodeRequest {
  id: number;
  body: string;
  format: ManifestFormat;
  limits: ParseLimits;
}

type Reply = { id: number; result: DecodeResult } | { id: number; error: string };

export const DECODE_DEADLINE_MS = 2_000;
/** Added to the deadline for each document the body announces (up to the limit): 1,000 add 5 s. */
export const DECODE_MS_PER_DOCUMENT = 5;

/** Documents a body says it holds, counted without parsing it (JSON: its objects' apiVersion keys). */
export function announcedDocuments(body: string, format: ManifestFormat): number {
  return format === 'yaml' ? countYamlDocuments(body) : (body.match(/"apiVersion"\s*:/g)?.length ?? 1);
}

/** How long one body may take: the base, plus an allowance per announced document within the limit. */
export function decodeDeadlineMs(baseMs: number, perDocumentMs: number, announced: number, limits: Pick<ParseLimits, 'maxDocuments'>): number {
  return baseMs + perDocumentMs * Math.min(Math.max(announced - 1, 0), limits.maxDocuments);
}
/**
 * An idle worker is stopped after this long and started again by the next body (0.2 s from
 * dist/): its heap, grown by the last large body, goes back to the system instead of staying with
 * an API that may not see another apply for days.
 */
export const DECODE_IDLE_MS = 60_000;
/** Bodies waiting for the worker; beyond this, callers are asked to come back (429). */
const MAX_WAITING = 16;

const WORKER_URL = new URL(`./decode-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

// Module hooks registered with --import (tsx) do not reach worker threads on Node 20: register them there.
// The tsx URL is resolved here: a bare specifier in eval'd code would resolve from the working directory.
const BOOTSTRAP = WORKER_URL.endsWith('.ts')
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`
  : `import(${JSON.stringify(WORKER_URL)})`;

export interface DecoderOptions {
  deadlineMs?: number;
  msPerDocument?: number;
  idleMs?: number;
}

export class ManifestDecoder {
  private worker?: { thread: Worker; ready: Promise<void> };
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private idleTimer?: NodeJS.Timeout;
  private readonly deadlineMs: number;
  private readonly msPerDocument: number;
  private readonly idleMs: number;

  constructor({ deadlineMs = DECODE_DEADLINE_MS, msPerDocument = DECODE_MS_PER_DOCUMENT, idleMs = DECODE_IDLE_MS }: DecoderOptions = {}) {
    this.deadlineMs = deadlineMs;
    this.msPerDocument = msPerDocument;
    this.idleMs = idleMs;
  }

  /** True while a worker thread is up (started, or kept after a body for idleMs). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker now, so the first apply does not pay for its start-up (about 0.5 s under tsx). */
  warm(): Promise<void> {
    const { ready } = this.spawn();
    // The idle clock starts once the thread is up: stopping one mid-start would fail its warm().
    return ready.then(() => this.retireWhenIdle());
  }

  decode(body: string, format: ManifestFormat, limits: ParseLimits): Promise<DecodeResult> {
    if (this.waiting >= MAX_WAITING) {
      return Promise.resolve({ ok: false, status: failureStatus(429, 'TooManyRequests', `${MAX_WAITING} manifest bodies are already waiting to be parsed; try again shortly`) });
    }
    this.waiting++;
    clearTimeout(this.idleTimer);
    const run = this.queue
      .then(() => this.run(body, format, limits))
      .finally(() => {
        this.waiting--;
        this.retireWhenIdle();
      });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    await w?.thread.terminate();
  }

  private retireWhenIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.waiting > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.waiting === 0) void this.stop();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private spawn(): { thread: Worker; ready: Promise<void> } {
    if (this.worker) return this.worker;
    const thread = new Worker(BOOTSTRAP, { eval: true });
    thread.unref(); // an idle parser must not keep the process alive
    const forget = () => {
      if (this.worker?.thread === thread) this.worker = undefined;
    };
    const ready = new Promise<void>((resolve, reject) => {
      thread.once('message', () => resolve()); // the worker says "ready" once its code is loaded
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`manifest decoder exited with code ${code}`)));
    });
    thread.on('error', forget);
    thread.on('exit', forget);
    this.worker = { thread, ready };
    return this.worker;
  }

  private async run(body: string, format: ManifestFormat, limits: ParseLimits): Promise<DecodeResult> {
    const { thread, ready } = this.spawn();
    await ready; // start-up time is not counted against the body
    const id = ++this.nextId;
    const deadlineMs = decodeDeadlineMs(this.deadlineMs, this.msPerDocument, announcedDocuments(body, format), limits);
    return new Promise<DecodeResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        thread.off('message', onMessage);
        thread.off('error', onError);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        done();
        if ('error' in reply) reject(new Error(`decoding manifests failed: ${reply.error}`));
        else resolve(reply.result.ok ? { ok: true, manifests: reviveManifests(reply.result.manifests) } : reply.result);
      };
      const onError = (err: Error) => {
        done();
        reject(err);
      };
      const timer = setTimeout(() => {
        done();
        if (this.worker?.thread === thread) this.worker = undefined;
        void thread.terminate();
        void this.warm().catch(() => undefined); // the next body should not wait for a start-up
        resolve({ ok: false, status: tooLargeStatus(`the body took longer than ${deadlineMs / 1000} s to parse and validate; send fewer or simpler documents per request`) });
      }, deadlineMs);
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.postMessage({ id, body, format, limits } satisfies DecodeRequest);
    });
  }
}
