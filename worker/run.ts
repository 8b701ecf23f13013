// A worker: registers every workflow and activity on the task queue, and serves the order gates'
// task queue with a worker of its own (resources/order-gate-options.ts says why). Stateless; run
// as many as you like against the same Temporal namespace and the same stores (data directory or
// database).
import v8 from 'node:v8';
import { DefaultLogger, NativeConnection, Worker, Runtime, makeTelemetryFilterString, type State } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { orderGateTaskQueue } from '../resources/order-gate-options.ts';
import type { Config } from '../platform/config.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import type { Stores } from '../platform/stores.ts';
import { connectClient, connectionOptions } from '../platform/temporal-connection.ts';
import { workflowBundle } from './bundle.ts';
import { relaySecretChanges } from './secret-change-signals.ts';

let runtimeInstalled = false;

/** Both workers, stopped and watched as one. */
export interface WorkerHandle {
  shutdown(): void;
  /** 'STOPPED' once both have stopped; before that, the main worker's state. */
  getState(): State;
}

export interface RunningWorker {
  worker: WorkerHandle;
  /** Resolves once the worker has stopped (after shutdown()) and its connections are closed. */
  done: Promise<void>;
}

/** Creates and runs a worker; it also wakes the Certificates whose Secrets change (config.secretWatch). */
export async function runWorker(config: Config, address: string, stores: Stores, log: Logger = createLogger(config.logLevel)): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // The SDK's own INFO lines (worker state changes) drown our logs; keep its warnings.
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  }
  const options = connectionOptions(config, address);
  const connection = await NativeConnection.connect(options);
  // Activities that read other workflows (issuer lookups) need a client of their own.
  const client = await connectClient(config, address);
  // One store for the activities and the watch: the watch knows the activities' own writes.
  const secrets = stores.secrets;
  const activities = createActivities({
    secrets,
    nextKeys: stores.nextKeys,
    http01: stores.http01,
    client: () => client,
    clusterResourceNamespace: config.clusterResourceNamespace,
    selfCheck: { nameservers: config.selfCheckNameservers, port: config.selfCheckHttpPort },
    outbound: config.outbound,
    orderGate: config.orderGate,
    keyPoolSize: config.keyPoolSize,
  });
  const bundle = await workflowBundle();
  smallYoungGenerations();
  const main = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: bundle,
    activities,
    ...definedOnly(config.worker),
  });
  // A handful of gates (one per Issuer with orders in flight), each with short tasks.
  const gates = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.orderGate.taskQueue ?? orderGateTaskQueue(config.temporal.taskQueue),
    workflowBundle: bundle,
    activities,
    maxCachedWorkflows: 100,
    maxConcurrentWorkflowTaskExecutions: 10,
    maxConcurrentActivityTaskExecutions: 10,
    maxConcurrentLocalActivityExecutions: 10,
  });
  const workers = [main, gates];
  const worker: WorkerHandle = {
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    getState: () => (workers.every((w) => w.getState() === 'STOPPED') ? 'STOPPED' : main.getState()),
  };
  const stopRelay = config.secretWatch ? relaySecretChanges({ secrets, client, log }) : () => {};
  // One stopping (a fatal error) stops the other: the process serves both or neither.
  const runs = workers.map((w) => w.run().finally(() => worker.shutdown()));
  const done = Promise.allSettled(runs)
    .then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })
    .finally(async () => {
      stopRelay();
      await client.connection.close();
      await connection.close();
    });
  return { worker, done };
}

/** V8's young generation, per semi-space, for the workflow threads created after this (V8's default: 16). */
export const WORKFLOW_THREAD_SEMI_SPACE_MB = 4;

// Each Worker runs its workflows on a thread of its own, and V8 grows a busy thread's young
// generation to 2 x 16 MiB and keeps it: measured at 1,000 Certificates, the gates' thread held
// 28 MiB of it once idle, the whole worker 123 MiB of V8 pages against 91 with 4 MiB semi-spaces;
// `npm run bench`, two pairs: worker CPU per certificate 287 and 294 ms against 285 and 288. The
// flag applies to isolates created after it is set, so to these threads and not to the main
// thread (whose young generation stays small). Left alone when the operator chose a size
// (node --max-semi-space-size or NODE_OPTIONS).
function smallYoungGenerations(): void {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size'));
  if (!chosen) v8.setFlagsFromString(`--max-semi-space-size=${WORKFLOW_THREAD_SEMI_SPACE_MB}`);
}

const definedOnly = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
