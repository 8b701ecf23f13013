// Workflow tests on Temporal's time-skipping test server: the real workflow bundle on a worker
// whose activities are fakes (test/support/fake-activities.ts). Time stands still for timers
// unless a test skips it (`skip`), so hours of backoff take seconds and nothing races the clock.
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import type { Client, ConnectionPlugin } from '@temporalio/client';
import { INDEXED_VALUE_TYPES } from '../../platform/search-attribute-setup.ts';
import { SEARCH_ATTRIBUTES, ISSUER, KIND, NAME, NAMESPACE, NOT_AFTER, READY, SECRET_NAME } from '../../resources/search-attributes.ts';
import { findTool } from '../../platform/tools.ts';
import { workflowBundle } from '../../worker/bundle.ts';
import { FakeActivities } from './fake-activities.ts';

export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  /** False on the dev server (WORKFLOW_TEST_SERVER=dev): `skip` then really waits. */
  timeSkipping: boolean;
  client: Client;
  /** A worker with fresh fakes on a task queue of its own, so no test sees another's workflows. */
  startWorker(): Promise<WorkerUnderTest>;
  /** Moves the server's clock ahead by `ms`, firing every timer due on the way. */
  skip(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

export interface WorkerUnderTest {
  taskQueue: string;
  fakes: FakeActivities;
  /** Workflows this test started: stop() terminates them and everything they started. */
  roots: Set<string>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;
const SEARCH_ATTRIBUTE_KEYS = { KIND, NAMESPACE, NAME, ISSUER, READY, NOT_AFTER, SECRET_NAME };

export async function startWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // Activity failures are the point of some tests; the SDK would log each at WARN.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  }
  // WORKFLOW_TEST_SERVER=dev runs the same tests on the Temporal CLI dev server, to tell a
  // workflow bug from a test-server quirk; tests that skip time then fail, saying so.
  const onDevServer = process.env.WORKFLOW_TEST_SERVER === 'dev';
  let [env, bundle] = await Promise.all([
    onDevServer
      ? TestWorkflowEnvironment.createLocal({
          server: {
            executable: { type: 'existing-path', path: findTool('temporal') },
            searchAttributes: Object.values(SEARCH_ATTRIBUTE_KEYS),
            log: { format: 'pretty', level: 'warn' },
          },
        })
      : startTestServer(),
    workflowBundle(),
  ]);
  if (!onDevServer) await registerSearchAttributes(env);
  const workers = new Set<WorkerUnderTest>();
  let used = false;

  async function startWorker(): Promise<WorkerUnderTest> {
    // Each test gets a test server of its own (about 1 s): anything an earlier test left holding
    // the server's clock (seen twice in CI, never here: the first skip of a file after other
    // tests stalled) cannot stall a later test's skips.
    if (used && workers.size === 0 && !onDevServer) {
      await env.teardown();
      env = await startTestServer();
      await registerSearchAttributes(env);
    }
    used = true;
    const taskQueue = `wf-test-${randomBytes(4).toString('hex')}`;
    const fakes = new FakeActivities(
      () => env.currentTimeMs(),
      () => env.client,
    );
    // Its own connection, closed with it: the test server (grpc-java) drops a connection that
    // pings every 30 s, as the SDK's native connection does, after about 90 s, and a task handed
    // to a poll lost that way waits for its timeout. A test's worker lives well under that.
    const connection = await NativeConnection.connect({ address: env.address });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: bundle,
      activities: fakes.activities(),
      // Held regular activities heartbeat so that a cancellation reaches them at once.
      maxHeartbeatThrottleInterval: '100ms',
      defaultHeartbeatThrottleInterval: '100ms',
      shutdownGraceTime: '1s',
    });
    const running = worker.run();
    const w: WorkerUnderTest = {
      taskQueue,
      fakes,
      roots: new Set(),
      async stop() {
        workers.delete(w);
        fakes.releaseAll();
        // A workflow task left for a stopped worker would hold the test server's clock still
        // for the next test, whose skips would then take real time.
        for (const id of [...w.roots, ...fakes.orderGates()]) await terminateTree(env.client, id);
        worker.shutdown();
        await running;
        await connection.close();
      },
    };
    workers.add(w);
    return w;
  }

  return {
    get env() {
      return env;
    },
    timeSkipping: env.supportsTimeSkipping,
    get client() {
      return env.client;
    },
    startWorker,
    async skip(ms) {
      if (!env.supportsTimeSkipping) throw new Error('this test skips time: it needs the time-skipping test server');
      // The clock stands still while a workflow task waits for a worker; fail rather than hang.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the test server's clock did not move ${ms / 60_000} min ahead within 60 s: is a workflow task waiting for a worker?`)), 60_000);
      });
      const slept = env.sleep(ms);
      slept.catch(() => undefined);
      try {
        await Promise.race([slept, stuck]);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${await openWork(env.client, [...workers])}`);
      } finally {
        clearTimeout(timer);
      }
    },
    async teardown() {
      await Promise.all([...workers].map((w) => w.stop()));
      await env.teardown();
    },
  };
}

// The SDK gives the server 5 s to answer; a JVM starting on a busy machine can miss that once.
// The test server (grpc-java) allows a keepalive ping at most every 5 minutes and answers more
// with GOAWAY "too_many_pings"; the client pings every 30 s. A call in flight at such a GOAWAY
// was seen to hang for good (a whole test file stuck on one describe): ping less often than allowed.
const testServerKeepalive: ConnectionPlugin = {
  name: 'test-server-keepalive',
  configureConnection: (options) => ({ ...options, channelArgs: { ...options.channelArgs, 'grpc.keepalive_time_ms': 6 * 60_000, 'grpc.keepalive_permit_without_calls': 0 } }),
};

async function startTestServer(): Promise<TestWorkflowEnvironment> {
  const start = () =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: findTool('temporal-test-server') } }, plugins: [testServerKeepalive] });
  try {
    return await start();
  } catch {
    return start();
  }
}

// The test server has no ListSearchAttributes, so ensureSearchAttributes cannot be used: add them all.
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes = Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

/** What the tests' workflows still have open, for a stalled clock's error message. */
async function openWork(client: Client, workers: WorkerUnderTest[]): Promise<string> {
  const lines: string[] = [];
  for (const id of workers.flatMap((w) => [...w.roots, ...w.fakes.orderGates()])) {
    const d = await client.workflow
      .getHandle(id)
      .describe()
      .catch((e: Error) => e);
    if (d instanceof Error) lines.push(`${id}: ${d.message}`);
    else
      lines.push(
        `${id}: ${d.status.name} on ${d.taskQueue}, workflow task ${d.raw.pendingWorkflowTask?.state ?? 'none'}, activities [${(d.raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} ${a.state}`).join(', ')}]`,
      );
  }
  return `open work: ${lines.join('; ') || 'none known'}`;
}

/** Terminates a workflow and its open descendants, parents first: nothing is left for a worker. */
async function terminateTree(client: Client, workflowId: string, runId?: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await handle.describe().catch(() => undefined);
  if (description?.status.name !== 'RUNNING') return;
  const { events } = await handle.fetchHistory();
  await handle.terminate('test over').catch(() => undefined);
  for (const e of events ?? []) {
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (child?.workflowId) await terminateTree(client, child.workflowId, child.runId ?? undefined);
  }
}
