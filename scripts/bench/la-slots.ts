// Measures whether calls that hang (a black-holed CA) slow other workflows down, as local
// activities and as regular ones. Run: node --import tsx scripts/bench/la-slots.ts
// Prints, for N hanging calls in flight, the start->result latency of quick workflows.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startTestTemporal } from '../../test/support/temporal.ts';

Runtime.install({ logger: new DefaultLogger('WARN') });
const HANG_MS = 30_000;
const temporal = await startTestTemporal();
const workflowsPath = fileURLToPath(new URL('./la-slots-workflows.ts', import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: temporal.address });
const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
const taskQueue = 'la-slots';
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowBundle: { code },
  activities: {
    hang: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    quick: async () => 'ok',
  },
});
const running = worker.run();

let id = 0;
async function quickLatency(type: 'quickLocal' | 'quickRegular', samples = 5): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = Date.now();
    await client.workflow.execute(type, { taskQueue, workflowId: `q-${id++}` });
    out.push(Date.now() - t0);
  }
  return out;
}

async function scenario(hang: 'hangLocal' | 'hangRegular', quick: 'quickLocal' | 'quickRegular', n: number) {
  await Promise.all(Array.from({ length: n }, () => client.workflow.start(hang, { taskQueue, workflowId: `h-${id++}`, args: [HANG_MS] })));
  await new Promise((r) => setTimeout(r, 3000)); // let the hanging calls start
  const lat = await quickLatency(quick);
  console.log(`${hang} x${n} in flight -> ${quick} latency ms: ${lat.join(', ')}`);
  await new Promise((r) => setTimeout(r, HANG_MS)); // drain
}

await quickLatency('quickLocal', 3); // warm-up
for (const n of [0, 10, 38, 45]) await scenario('hangLocal', 'quickLocal', n);
for (const n of [0, 45, 105]) await scenario('hangRegular', 'quickRegular', n);
await scenario('hangRegular', 'quickLocal', 105);
worker.shutdown();
await running;
await temporal.stop();
