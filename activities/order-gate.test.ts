// tellOrders against a real Temporal: grants and queue notices reach the Orders still running,
// and the runs that have closed come back, so the gate frees their slots instead of waiting on them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, Connection, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { OrderNotice, SlotHolder } from '../resources/order-gate.ts';
import { startTestTemporal } from '../test/support/temporal.ts';
import { orderGateActivities } from './order-gate.ts';

let temporal: Awaited<ReturnType<typeof startTestTemporal>>;
let client: Client;
before(async () => {
  temporal = await startTestTemporal({ searchAttributes: false });
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
});
after(async () => {
  await client?.connection.close();
  await temporal?.stop();
});

const gate = () =>
  orderGateActivities(
    () => client,
    () => ({ maxConcurrentOrders: 1, leakCheckMs: 60_000, firstReaskMs: 60_000 }),
  );

/** An Order run that stays open: no worker polls its queue, and a signal to it is recorded all the same. */
async function openRun(id: string): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return client.workflow.start('orderWorkflow', { workflowId: id, taskQueue: 'no-worker', args: [] });
}
const holder = (h: WorkflowHandleWithFirstExecutionRunId): SlotHolder => ({ workflowId: h.workflowId, runId: h.firstExecutionRunId });

async function signalsOf(h: WorkflowHandle): Promise<{ name: string; args: unknown[] }[]> {
  const history = await h.fetchHistory();
  const out: { name: string; args: unknown[] }[] = [];
  for (const e of history.events ?? []) {
    const s = e.workflowExecutionSignaledEventAttributes;
    if (!s) continue;
    const args = (s.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
    out.push({ name: s.signalName ?? '', args });
  }
  return out;
}

test('grants and queue notices reach open runs; closed runs come back as free', async () => {
  const granted = await openRun('order-granted');
  const queued = await openRun('order-queued');
  const terminated = await openRun('order-terminated');
  await terminated.terminate('ended without giving its slot back');
  // The same workflow ID started again: the notice names the old run, which is closed.
  const old = await openRun('order-restarted');
  await old.terminate('restarted');
  const restarted = await openRun('order-restarted');

  const notices: OrderNotice[] = [
    { run: holder(granted), kind: 'granted' },
    { run: holder(queued), kind: 'queued', inUse: 1, limit: 1 },
    { run: holder(terminated), kind: 'granted' },
    { run: holder(old), kind: 'granted' },
  ];
  const gone = await gate().tellOrders(notices);

  const key = (r: SlotHolder) => `${r.workflowId}/${r.runId}`;
  assert.deepEqual(gone.map(key).sort(), [holder(terminated), holder(old)].map(key).sort());
  assert.deepEqual(await signalsOf(granted), [{ name: 'orderSlotGranted', args: [] }]);
  assert.deepEqual(await signalsOf(queued), [{ name: 'orderSlotQueued', args: [{ inUse: 1, limit: 1 }] }]);
  assert.deepEqual(await signalsOf(restarted), [], 'a grant for the old run must not reach the new one');
});

test('a batch larger than the send concurrency reaches every run', async () => {
  const runs = await Promise.all(Array.from({ length: 45 }, (_, i) => openRun(`order-batch-${i}`)));
  const gone = await gate().tellOrders(runs.map((r) => ({ run: holder(r), kind: 'granted' })));
  assert.deepEqual(gone, []);
  for (const r of runs) assert.deepEqual(await signalsOf(r), [{ name: 'orderSlotGranted', args: [] }], r.workflowId);
});

test("an Order's wait reaches its open request; a closed one is no error, and its successor hears nothing", async () => {
  const request = await openRun('certificaterequest-waiting');
  await gate().tellOrderSlotWaiting(holder(request), 'Waiting for a free order slot of Issuer ns/ca: 1 of 1 in use');
  await gate().tellOrderSlotWaiting(holder(request));
  assert.deepEqual(await signalsOf(request), [
    { name: 'orderSlotWaiting', args: [{ message: 'Waiting for a free order slot of Issuer ns/ca: 1 of 1 in use' }] },
    // No message: no longer waiting (undefined fields are dropped on the way).
    { name: 'orderSlotWaiting', args: [{}] },
  ]);
  const old = await openRun('certificaterequest-gone');
  await old.terminate('cancelled while its Order waited');
  const next = await openRun('certificaterequest-gone');
  await gate().tellOrderSlotWaiting(holder(old), 'Waiting');
  assert.deepEqual(await signalsOf(next), []);
});
