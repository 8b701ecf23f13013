// A worker: registers every workflow and activity on the task queue. Stateless; run as many as
// you like against the same Temporal namespace and data directory.
import path from 'node:path';
import { DefaultLogger, NativeConnection, Worker, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../activities/index.ts';
import type { Config } from '../platform/config.ts';
import { Http01Store } from '../platform/http01-store.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { connectionOptions } from '../platform/temporal-connection.ts';
import { workflowBundle } from './bundle.ts';

let runtimeInstalled = false;

export interface RunningWorker {
  worker: Worker;
  /** Resolves once the worker has stopped (after shutdown()) and its connections are closed. */
  done: Promise<void>;
}

/** Creates and runs a worker. */
export async function runWorker(config: Config, address: string): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // The SDK's own INFO lines (worker state changes) drown our logs; keep its warnings.
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  }
  const options = connectionOptions(config, address);
  const connection = await NativeConnection.connect(options);
  // Activities that read other workflows (issuer lookups) need a client of their own.
  const clientConnection = await Connection.connect(options);
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const activities = createActivities({
    secrets: new FileSecretStore(path.join(config.dataDir, 'secrets')),
    nextKeys: new FileSecretStore(path.join(config.dataDir, 'next-keys')),
    http01: new Http01Store(config.dataDir),
    client: () => client,
    clusterResourceNamespace: config.clusterResourceNamespace,
    selfCheck: { nameservers: config.selfCheckNameservers, port: config.selfCheckHttpPort },
    outbound: config.outbound,
    orderGate: config.orderGate,
  });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const done = worker.run().finally(async () => {
    await clientConnection.close();
    await connection.close();
  });
  return { worker, done };
}
