// The service side: the worker as its own process, the Issuer set up once, and "apply a
// Certificate through the API, then poll until it is Ready".
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ConditionType } from '../../resources/condition-types.ts';
import { seedManifests, type TestEnv } from '../../test/support/env.ts';
import type { IssueFn } from './measure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NAMESPACE = 'default';
export const ISSUER = 'pebble';

export interface WorkerProcess {
  child: ChildProcess;
  /** Rejects if the worker exits before stop() is called. */
  died: Promise<never>;
  output(): string;
  stop(): Promise<void>;
}

/** The worker (scripts/worker.ts), or another part of the service (scripts/api.ts), as its own process. */
/** BENCH_WORKER_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it stops. */
const workerProfileArgs = (script: string) => {
  const dir = process.env.BENCH_WORKER_CPU_PROF;
  return dir && script === 'worker.ts' ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
};

let built = false;
/** `npm run build` once per bench process (a no-op in about a second when dist/ is current). */
function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'build.ts')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
  built = true;
}

// The compiled entry points in dist/, as `npm run worker` and `npm run api` run them.
export function startWorkerProcess(env: TestEnv, script: 'worker.ts' | 'api.ts' = 'worker.ts'): WorkerProcess {
  ensureBuilt();
  const child = spawn(process.execPath, [...workerProfileArgs(script), path.join(root, 'dist', 'scripts', script.replace(/\.ts$/, '.js'))], {
    cwd: root,
    env: { ...process.env, ...env.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (b: Buffer) => (tail = (tail + b.toString('utf8')).slice(-16_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`${script} process exited unexpectedly (code ${code}, signal ${signal}):\n${tail}`));
    }),
  );
  died.catch(() => {}); // observed by whoever races it; never an unhandled rejection
  return {
    child,
    died,
    output: () => tail,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Conditions {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; revision?: number };
}
const isReady = (o: Conditions) => (o.status?.conditions ?? []).some((c) => c.type === ConditionType.Ready && c.status === 'True');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Reads go through our own keep-alive agent, so cleanup can destroy every socket, including a read
// stuck on a Temporal query that no worker will answer (that would keep the API from closing).
export const readAgent = new http.Agent({ keepAlive: true });

// A kept-alive socket the API closes (its 5 s keep-alive timeout) just as a read reuses it fails
// with ECONNRESET / "socket hang up"; as Node's documentation advises, such a read is sent again
// (a bench run failed on it once).
async function get(env: TestEnv, pathname: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  try {
    return await getOnce(env, pathname, signal);
  } catch (err) {
    if (!(err as { reusedSocket?: boolean }).reusedSocket) throw err;
    return getOnce(env, pathname, signal);
  }
}

function getOnce(env: TestEnv, pathname: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = env.config.api.apiToken ? { authorization: `Bearer ${env.config.api.apiToken}` } : undefined;
    const req = http.get(`http://127.0.0.1:${env.config.port}${pathname}`, { agent: readAgent, signal, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const raced = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      reject(raced ? Object.assign(err, { reusedSocket: true }) : err);
    });
  });
}

/** Polls a resource until its Ready condition is True; throws with the last seen conditions on timeout. */
export async function pollReady(env: TestEnv, pathname: string, everyMs: number, timeoutMs: number, minRevision = 0, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    signal?.throwIfAborted(); // stop polling once the bench is shutting down, or the API cannot close
    const { status, body } = await get(env, pathname, signal);
    if (status === 200) {
      const obj = JSON.parse(body) as Conditions;
      if (isReady(obj) && (obj.status?.revision ?? 0) >= minRevision) return;
      last = JSON.stringify(obj.status?.conditions ?? []);
    } else last = `HTTP ${status}: ${body.slice(0, 300)}`;
    if (Date.now() > deadline) throw new Error(`${pathname} not Ready after ${timeoutMs} ms; last: ${last}`);
    await sleep(everyMs);
  }
}

/** The EAB Secret and the Issuer (seedManifests without its Certificate), applied and waited Ready. */
export async function setupIssuer(env: TestEnv, signal: AbortSignal): Promise<void> {
  const docs = seedManifests(env, { namespace: NAMESPACE, issuer: ISSUER })
    .split('---\n')
    .filter((d) => !/^kind: Certificate$/m.test(d));
  const res = await env.apply(docs.join('---\n'));
  if (res.status !== 200) throw new Error(`applying the Issuer failed: HTTP ${res.status}: ${await res.text()}`);
  await pollReady(env, `/apis/cert-manager.io/v1/namespaces/${NAMESPACE}/issuers/${ISSUER}`, 50, 60_000, 0, signal);
}

export function certificateYaml(name: string): string {
  return stringify({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, namespace: NAMESPACE },
    spec: { dnsNames: [`${name}.example.test`], secretName: `${name}-tls`, issuerRef: { name: ISSUER } },
  });
}

/** POST the Certificate, then poll GET .../certificates/<name> every `pollMs` until Ready. */
export function serviceIssuer(env: TestEnv, pollMs: { sequential: number; pool: number }, signal: AbortSignal, timeoutMs = 60_000): IssueFn {
  return async (name, mode) => {
    signal.throwIfAborted();
    const res = await env.apply(certificateYaml(name));
    if (res.status !== 200) throw new Error(`applying Certificate ${name} failed: HTTP ${res.status}: ${await res.text()}`);
    await pollReady(env, `/apis/cert-manager.io/v1/namespaces/${NAMESPACE}/certificates/${name}`, pollMs[mode], timeoutMs, 1, signal);
  };
}
