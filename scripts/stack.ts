// Composes the service: an API and/or a worker against a Temporal address. `npm start`, the
// production entry points and the integration tests all build it the same way.
import type { Client } from '@temporalio/client';
import { startApi, type RunningApi } from '../api/server.ts';
import type { Config } from '../platform/config.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { startMallocTrim } from '../platform/malloc-trim.ts';
import { ensureSearchAttributes } from '../platform/search-attribute-setup.ts';
import { openStores, type Stores } from '../platform/stores.ts';
import { connectClient } from '../platform/temporal-connection.ts';
import { runWorker, type WorkerHandle } from '../worker/run.ts';

export interface Stack {
  api?: RunningApi;
  worker?: WorkerHandle;
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
  await startMallocTrim(config.mallocTrimMs, log);
  const client = await connectClient(config, address);
  const registered = await registerSearchAttributes(client, config, log);
  if (!registered && opts.worker !== false) {
    await client.connection.close();
    // Every workflow task that sets one would fail, again and again: better not to take any.
    throw new StartRefused('the worker does not start without the search attributes (see the message above)');
  }
  let stores: Stores;
  try {
    stores = await openStores(config, (err) => log.warn({ err: err.message }, 'secret store connection error'));
  } catch (err) {
    await client.connection.close();
    throw err;
  }
  let workerRun: Promise<void> | undefined;
  if (opts.worker !== false) {
    const running = await runWorker(config, address, stores, log);
    stack.worker = running.worker;
    workerRun = running.done;
    log.info({ taskQueue: config.temporal.taskQueue }, 'worker started');
  }
  if (opts.api !== false) {
    stack.api = await startApi({
      client,
      config,
      log,
      secrets: stores.secrets,
      http01: stores.http01,
    });
  }
  stack.stop = async () => {
    await stack.api?.stop();
    await client.connection.close();
    if (stack.worker && stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
    await workerRun;
    await stores.close();
  };
  return stack;
}

// Any Temporal but the embedded one may lack them; without them every apply fails. A refusal
// (no permission, Temporal Cloud) is logged with what to do, and /readyz keeps saying it.
async function registerSearchAttributes(client: Client, config: Config, log: Logger): Promise<boolean> {
  const namespace = config.temporal.namespace;
  try {
    const added = await ensureSearchAttributes(client.connection, namespace);
    if (added.length > 0) log.info({ namespace, added }, 'registered search attributes on the Temporal namespace');
    return true;
  } catch (err) {
    log.error({ namespace }, `cannot register search attributes: ${(err as Error).message}`);
    return false;
  }
}

/** A start that cannot go on; the entry points exit with code 2 on it. */
export class StartRefused extends Error {}
