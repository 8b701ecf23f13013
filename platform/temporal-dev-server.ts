// Runs `temporal server start-dev` as a child process for local use and integration tests.
import { Connection } from '@temporalio/client';
import { freePort } from './ports.ts';
import { SEARCH_ATTRIBUTES, KIND } from '../resources/search-attributes.ts';
import { ExitedEarlyError, spawnTool, waitUntilReady } from './tools.ts';

export interface TemporalDevServerOptions {
  port?: number;
  /** false = headless (no UI). Omitted = a free port. */
  uiPort?: number | false;
  /** Persistent SQLite file; omitted = in-memory (state dies with the process). */
  dbFile?: string;
  namespace?: string;
  dynamicConfig?: Record<string, string | number | boolean>;
  logFile?: string;
  /** false = register none of the service's search attributes, as on a Temporal set up by hand. */
  searchAttributes?: boolean;
}

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * What the embedded server sets beyond the CLI's defaults. Eager activities: a workflow task that
 * schedules an activity gets it back in the completion's answer when this worker has a free slot,
 * instead of the activity waiting for an activity poll (off by default in the server; the SDK asks
 * for it). Measured with `npm run bench`, three pairs: apply→Ready p50 1101-1106 ms against
 * 1133-1143 ms without; throughput within noise (2.52-2.64 against 2.65-2.78 certs/s).
 *
 * Task queue priority (resources/task-priority.ts) needs the server's new matcher, which the
 * CLI's server (1.29) leaves off: without it the queue is first in, first out whatever the key.
 *
 * The history service's queues, which a self-hosted cluster can tune too (docs/production.md):
 * - `history.transferProcessorMaxPollRPS` (default 20): the transfer queue, which hands a newly
 *   scheduled workflow task to matching, is read at most 20 times a second, so every hop between
 *   workflows (a child's start, its result, a signal) waited up to 50 ms for the next read.
 * - `history.timerProcessorMaxTimeShift` (default 1 s): no timer fires sooner than a second after
 *   it is set, so every short wait (an ACME poll, the order gate's re-ask) took a second: a
 *   100 ms sleep took 985-999 ms, and 102-105 ms at 10 ms.
 * Both together, `npm run bench` (5 sequential, then 60 at concurrency 10): apply→Ready p50
 * 1,082 ms with the defaults, 605 ms with these; throughput 2.89 and 3.0 certs/s.
 * - `history.transferProcessorUpdateAckInterval` (default 30 s): a deleted execution (an old
 *   CertificateRequest, activities/request-history.ts) goes only once its close is behind the
 *   transfer queue's saved ack level, which moves every 30 s; a delete retried after that backs
 *   off, so a pruned request stayed listed 34 s at best and over 90 s in a loaded CI run. At 5 s
 *   one went in 3.9 s (a terminated workflow deleted, then visibility's count polled).
 */
const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string | number | boolean> = {
  'system.enableActivityEagerExecution': true,
  'matching.useNewMatcher': true,
  'history.transferProcessorMaxPollRPS': 200,
  'history.timerProcessorMaxTimeShift': '10ms',
  'history.transferProcessorUpdateAckInterval': '5s',
};

/**
 * Starts the server; a start that dies early is tried again (3 attempts in all) on fresh ports.
 * The CLI binds ports it or we chose a moment earlier, and another process may take one in
 * between: in a CI run starting hundreds of servers, one died once on its HTTP port.
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof ExitedEarlyError) || attempt === 3) throw err;
    }
  }
}

async function startOnce(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  const uiPort = opts.uiPort === false ? undefined : (opts.uiPort ?? (await freePort()));
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  // WAL with synchronous=normal: a commit is one append, not several fsyncs, which made the file
  // the bottleneck of every workflow start (1,000 starts: 44-60 s with the defaults, 11-14 s with
  // these, on a loaded 2-core machine). A killed server or a restart loses nothing; only an OS
  // crash or power cut can lose the last commits.
  if (opts.dbFile) args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  args.push('--log-level', 'warn');
  const withAttributes = opts.searchAttributes !== false;
  for (const [name, type] of withAttributes ? Object.entries(SEARCH_ATTRIBUTES) : []) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  // The CLI parses each dynamic config value as JSON, so strings need quoting.
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...opts.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const proc = spawnTool('temporal', args, { logFile: opts.logFile });
  const address = `127.0.0.1:${port}`;
  let connection: Connection | undefined;
  try {
    await waitUntilReady(
      proc,
      `temporal dev server (${address})`,
      async () => {
        // One lazy connection closed in `finally`: a failed Connection.connect() leaves its gRPC
        // channel open, which would keep the parent alive after a failed start.
        // ensureConnected() memoizes its first failure, so probe with plain calls instead; no retry
        // interceptor, since its timers would fire after close() and throw "Channel has been shut down".
        const conn = (connection ??= Connection.lazy({ address, interceptors: [] }));
        return conn.withDeadline(Date.now() + 2_000, async () => {
          await conn.workflowService.getSystemInfo({});
          // Search attributes are registered after the frontend starts listening; wait for them so
          // the first workflow start carrying them does not fail.
          const { customAttributes } = await conn.operatorService.listSearchAttributes({ namespace });
          return !withAttributes || (customAttributes != null && KIND.name in customAttributes);
        });
      },
      START_TIMEOUT_MS,
    );
  } catch (err) {
    await proc.stop();
    throw err;
  } finally {
    await connection?.close();
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    stop: () => proc.stop(),
  };
}
