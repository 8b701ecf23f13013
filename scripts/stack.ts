// Composes the service: an API and/or a worker against a Temporal address. `npm start`, the
// production entry points and the integration tests all build it the same way.
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { startApi, type RunningApi } from '../api/server.ts';
import type { Config } from '../platform/config.ts';
import { Http01Store } from '../platform/http01-store.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { connectClient } from '../platform/temporal-connection.ts';
import { runWorker } from '../worker/run.ts';

export interface Stack {
  api?: RunningApi;
  worker?: Worker;
  stop(): Promise<void>;
}

export interface StackOptions {
  api?: boolean;
  worker?: boolean;
  log?: Logger;
}

export async function startStack(config: Config, address: string, opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? createLogger(config.logLevel);
  const stack: Stack = { stop: async () => {} };
  let workerRun: Promise<void> | undefined;
  if (opts.worker !== false) {
    const running = await runWorker(config, address);
    stack.worker = running.worker;
    workerRun = running.done;
    log.info({ taskQueue: config.temporal.taskQueue }, 'worker started');
  }
  if (opts.api !== false) {
    const client = await connectClient(config, address);
    stack.api = await startApi({
      client,
      config,
      log,
      secrets: new FileSecretStore(path.join(config.dataDir, 'secrets')),
      http01: new Http01Store(config.dataDir),
    });
    const closeClient = () => client.connection.close();
    const apiStop = stack.api.stop;
    stack.api.stop = async () => {
      await apiStop();
      await closeClient();
    };
  }
  stack.stop = async () => {
    await stack.api?.stop();
    if (stack.worker && stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
    await workerRun;
  };
  return stack;
}
