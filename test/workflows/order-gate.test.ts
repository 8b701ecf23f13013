// An Issuer's order gate: at most ISSUER_MAX_CONCURRENT_ORDERS ACME orders in flight, granted first
// come first served, and no slot lost to an Order that ended without giving it back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { orderGateWorkflowId, orderWorkflowId } from '../../resources/ids.ts';
import { OBJECT_MEMO } from '../../resources/memo.ts';
import type { CertificateObject, CertificateRequestObject, OrderGateObject, OrderObject } from '../../resources/objects.ts';
import { CertificateDriver, eventually, isReady, NAMESPACE, statusOf } from '../support/certificate-driver.ts';
import { FAKE_ISSUER, type FakeActivities, type Gate } from '../support/fake-activities.ts';
import { startWorkflowTestEnv, type WorkerUnderTest, type WorkflowTestEnv } from '../support/time-skipping.ts';
import type { orderWorkflow } from '../../workflows/order.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

const GATE = orderGateWorkflowId('Issuer', NAMESPACE, FAKE_ISSUER.issuerName);
const WAITING = (inUse: number, limit: number) => `Waiting for a free order slot of Issuer ${NAMESPACE}/fake-ca: ${inUse} of ${limit} in use`;

async function gateWorker(t: { after(fn: () => Promise<void>): void }, limit: number, leakCheckMs = 60_000, firstReaskMs = 60_000): Promise<WorkerUnderTest> {
  const worker = await env.startWorker();
  t.after(() => worker.stop());
  worker.fakes.orderGate = { maxConcurrentOrders: limit, leakCheckMs, firstReaskMs };
  return worker;
}

const dnsName = (n: string) => `${n}.example.com`;

/** Starts Order `n` and waits until its request is at the gate, so arrival order is known. */
async function startOrder(worker: WorkerUnderTest, n: string): Promise<WorkflowHandle<typeof orderWorkflow>> {
  const asked = worker.fakes.calls('requestOrderSlot').length;
  const handle = await env.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
    workflowId: orderWorkflowId(NAMESPACE, n),
    taskQueue: worker.taskQueue,
    args: [
      {
        namespace: NAMESPACE,
        name: n,
        requestName: n,
        issuerRef: { name: 'fake-ca', kind: 'Issuer', group: 'cert-manager.io' },
        issuer: FAKE_ISSUER,
        dnsNames: [dnsName(n)],
        ipAddresses: [],
        csrPem: `csr of ${n}`,
        labels: {},
      },
    ],
  });
  worker.roots.add(handle.workflowId);
  await eventually(`${n} to ask for a slot`, () => worker.fakes.calls('requestOrderSlot').length > asked && worker.fakes.results('requestOrderSlot').length > asked);
  return handle;
}

/** The names whose ACME order was created, in order. */
const created = (fakes: FakeActivities) => fakes.calls('createAcmeOrder').map(([, ids]) => ids[0]!.value.split('.')[0]!);

async function published<T>(workflowId: string): Promise<T | undefined> {
  const { memo } = await env.client.workflow.getHandle(workflowId).describe();
  return memo?.[OBJECT_MEMO] as T | undefined;
}

/**
 * Waits for an Order to close by describing it: `result()` on the test server's client would let
 * its clock skip, and the tests that count on the clock running as the wall clock's (a 1 s re-ask,
 * a 2 s check) then raced through hours of timers and now and then never settled.
 */
async function closed(handle: WorkflowHandle, timeoutMs = 120_000): Promise<string | undefined> {
  let status: string | undefined;
  await eventually(
    `${handle.workflowId} to close`,
    async () => (status = await statusOf(env.client, handle.workflowId)) !== 'RUNNING',
    timeoutMs,
    () => `${status}`,
  );
  return status;
}

const gateSays = async (inUse: number, waiting: number) =>
  eventually(`the gate to publish ${inUse} in use, ${waiting} waiting`, async () => {
    const g = await published<OrderGateObject>(GATE).catch(() => undefined);
    return g?.inUse === inUse && g.waiting === waiting;
  });

function holdCreates(fakes: FakeActivities, names: string[]): Map<string, Gate<'createAcmeOrder'>> {
  return new Map(names.map((n) => [n, fakes.hold('createAcmeOrder', (_c, ids) => ids[0]!.value === dnsName(n))]));
}

test('slots are granted first come first served, never more than the limit at once', async (t) => {
  const worker = await gateWorker(t, 2);
  const names = ['fifo-1', 'fifo-2', 'fifo-3', 'fifo-4', 'fifo-5'];
  const holds = holdCreates(worker.fakes, names);
  const orders = new Map<string, WorkflowHandle<typeof orderWorkflow>>();
  for (const n of names) orders.set(n, await startOrder(worker, n));

  await gateSays(2, 3);
  assert.deepEqual(created(worker.fakes), ['fifo-1', 'fifo-2']);
  const waiting = await published<OrderObject>(orders.get('fifo-3')!.workflowId);
  assert.equal(waiting?.status.reason, WAITING(2, 2));
  assert.equal(waiting?.status.url, undefined, 'no ACME order while waiting');

  // Each finished order lets exactly the next in line in.
  holds.get('fifo-2')!.release();
  await closed(orders.get('fifo-2')!);
  await eventually('fifo-3 to create its order', () => created(worker.fakes).length === 3);
  await gateSays(2, 2);
  assert.deepEqual(created(worker.fakes), ['fifo-1', 'fifo-2', 'fifo-3']);
  // Published when the task that runs the (held) createAcmeOrder heartbeats: seconds later.
  await eventually('the waiting note to be gone once granted', async () => (await published<OrderObject>(orders.get('fifo-3')!.workflowId))?.status.reason === undefined);

  // One at a time: two slots freed together are granted together, and which of the two granted
  // Orders reaches the CA first is up to the workers.
  for (const [finished, next] of [
    ['fifo-1', 'fifo-4'],
    ['fifo-3', 'fifo-5'],
  ] as const) {
    holds.get(finished)!.release();
    await closed(orders.get(finished)!);
    await eventually(`${next} to create its order`, () => created(worker.fakes).includes(next));
  }
  assert.deepEqual(created(worker.fakes), names);
  for (const n of ['fifo-4', 'fifo-5']) holds.get(n)!.release();
  await Promise.all([closed(orders.get('fifo-4')!), closed(orders.get('fifo-5')!)]);
  await gateSays(0, 0);
});

test('a holder terminated without giving its slot back loses it at the next check; the next Order goes ahead', { timeout: 180_000 }, async (t) => {
  // A short check period on the clock as it runs: the test server does not skip time while an
  // activity runs, and holding the first Order needs one running.
  const worker = await gateWorker(t, 1, 2_000);
  const selfCheck = worker.fakes.hold('selfCheckHttp01');
  const first = await startOrder(worker, 'leak-1');
  await selfCheck.entered;
  const second = await startOrder(worker, 'leak-2');
  await gateSays(1, 1);

  await first.terminate('operator gave up on it');
  // Its challenge lives on (the test server applies no parent close policy on terminate): let it end.
  selfCheck.release();
  // No noise beside it: Orders queued and cancelled every 0.5 s (to show the check keeps its
  // schedule in a storm) made the test server stall one of the gate's workflow tasks now and then
  // (started, never completed nor timed out; 1 run in 5). The schedule is fixed in the gate's loop
  // (nextCheck moves only when a check runs), and storms on a real Temporal are the scale bench's.
  assert.equal(await closed(second), 'COMPLETED');
  assert.deepEqual(created(worker.fakes).slice(0, 2), ['leak-1', 'leak-2']);
  assert.ok(
    worker.fakes.calls('findClosedRuns').some(([runs]) => runs.some((r) => r.workflowId === first.workflowId)),
    'found by the check',
  );
  await gateSays(0, 0);
});

test('an Order that asks while the gate checks its holders keeps its place in the queue', { timeout: 120_000 }, async (t) => {
  // Real time again (a check every 2 s); the default re-ask (60 s) is far beyond the waits here,
  // so a request the gate dropped would show as nobody waiting.
  const worker = await gateWorker(t, 1, 2_000);
  const holds = holdCreates(worker.fakes, ['during-1']);
  const first = await startOrder(worker, 'during-1');
  await holds.get('during-1')!.entered;
  const check = worker.fakes.hold('findClosedRuns');
  await check.entered;
  const second = await startOrder(worker, 'during-2');
  check.release();
  await gateSays(1, 1);
  holds.get('during-1')!.release();
  assert.equal(await closed(first), 'COMPLETED');
  assert.equal(await closed(second), 'COMPLETED');
  assert.deepEqual(created(worker.fakes), ['during-1', 'during-2']);
});

test('an Order cancelled while waiting leaves the queue; one cancelled while holding gives its slot back', async (t) => {
  const worker = await gateWorker(t, 1);
  const holds = holdCreates(worker.fakes, ['cancel-1', 'cancel-3']);
  const first = await startOrder(worker, 'cancel-1');
  await holds.get('cancel-1')!.entered;
  const second = await startOrder(worker, 'cancel-2');
  const third = await startOrder(worker, 'cancel-3');
  await gateSays(1, 2);

  await second.cancel();
  assert.equal(await closed(second), 'CANCELLED');
  await gateSays(1, 1);
  await first.cancel();
  assert.equal(await closed(first), 'CANCELLED');
  // No time skipped: the slot came back by signal, not by the leak check.
  await holds.get('cancel-3')!.entered;
  holds.get('cancel-3')!.release();
  assert.equal(await closed(third), 'COMPLETED');
  assert.deepEqual(created(worker.fakes), ['cancel-1', 'cancel-3']);
  assert.equal(await statusOf(env.client, GATE), 'RUNNING');
  await gateSays(0, 0);
});

test('a Certificate whose order waits for a slot says so in its Issuing condition, and so does its CertificateRequest', async (t) => {
  const worker = await gateWorker(t, 1);
  const [a, b] = ['slot-a', 'slot-b'].map((n) => new CertificateDriver(env.client, worker.taskQueue, n));
  for (const c of [a!, b!]) worker.roots.add(c.handle.workflowId);
  const hold = worker.fakes.hold('createAcmeOrder', (_c, ids) => ids[0]!.value === 'slot-a.example.com');
  await a!.apply();
  await hold.entered;
  await b!.apply();

  const issuing = (o: CertificateObject) => o.status.conditions.find((c) => c.type === 'Issuing');
  const waiting = await b!.until('slot-b to show that it waits', (o) => issuing(o)?.message.endsWith(WAITING(1, 1)) === true);
  assert.equal(issuing(waiting)?.status, 'True');
  const request = await published<CertificateRequestObject>(b!.requestId(1));
  assert.match(request?.status.conditions.find((c) => c.type === 'Ready')?.message ?? '', new RegExp(`${WAITING(1, 1)}$`));

  hold.release();
  await a!.until('slot-a Ready', isReady);
  await b!.until('slot-b Ready', isReady);
  assert.deepEqual(created(worker.fakes), ['slot-a', 'slot-b']);
});

// The Order tells its request that it waits, and the request tells its Certificate, each by a call of
// its own: a call that fails and is retried can arrive after the notice that the wait ended.
for (const hop of ['Order to request', 'request to Certificate'] as const) {
  test(`a wait notice from ${hop} that arrives after the one saying the wait ended does not bring the wait back`, async (t) => {
    const worker = await gateWorker(t, 1);
    const [a, b] = ['late-a', 'late-b'].map((n) => new CertificateDriver(env.client, worker.taskQueue, n));
    for (const c of [a!, b!]) worker.roots.add(c.handle.workflowId);
    const holdA = worker.fakes.hold('createAcmeOrder', (_c, ids) => ids[0]!.value === 'late-a.example.com');
    const holdB = worker.fakes.hold('createAcmeOrder', (_c, ids) => ids[0]!.value === 'late-b.example.com');
    const to = hop === 'Order to request' ? b!.requestId(1) : b!.handle.workflowId;
    const lateNotice = worker.fakes.hold('tellOrderSlotWaiting', (run, message) => run.workflowId === to && message !== undefined);
    await a!.apply();
    await holdA.entered;
    await b!.apply();
    await lateNotice.entered;

    const told = () => worker.fakes.results('tellOrderSlotWaiting').length;
    // Before the held one: the end of the wait, told to the request and passed on (and, on the
    // second hop, the wait told to the request).
    const before = hop === 'Order to request' ? 2 : 3;
    holdA.release();
    await holdB.entered;
    await eventually('the end of the wait to reach late-b', () => told() >= before);
    lateNotice.release();
    await eventually('the late notice to be delivered', () => told() >= before + 1);
    // Time for the request to pass it on to the Certificate, had it taken it.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(worker.fakes.calls('tellOrderSlotWaiting').length, before + 1, 'the request passed the late notice on');
    const request = await published<CertificateRequestObject>(b!.requestId(1));
    assert.doesNotMatch(request?.status.conditions.find((c) => c.type === 'Ready')?.message ?? '', /Waiting for a free order slot/);
    const issuing = (await b!.object()).status.conditions.find((c) => c.type === 'Issuing');
    assert.equal(issuing?.status, 'True');
    assert.doesNotMatch(issuing?.message ?? '', /Waiting for a free order slot/);

    holdB.release();
    await b!.until('late-b Ready', isReady);
  });
}

test('a gate that lost its state (terminated) is asked again by the Orders still waiting, which then go ahead', { timeout: 180_000 }, async (t) => {
  // Asking again after 1 s of the clock as it runs: the test server skips no time while the first
  // Order's activity is held, and what else runs beside this test must not decide its outcome.
  const worker = await gateWorker(t, 1, 60_000, 1_000);
  const holds = holdCreates(worker.fakes, ['lost-1']);
  const first = await startOrder(worker, 'lost-1');
  await holds.get('lost-1')!.entered;
  const second = await startOrder(worker, 'lost-2');
  await gateSays(1, 1);

  // The gate is gone with its queue: lost-2's place in it too.
  await env.client.workflow.getHandle(GATE).terminate('test: the gate loses its state');
  holds.get('lost-1')!.release();
  assert.equal(await closed(first), 'COMPLETED');
  // Waiting for its grant, lost-2 asks again and a new gate admits it.
  assert.equal(await closed(second), 'COMPLETED');
  assert.deepEqual(created(worker.fakes), ['lost-1', 'lost-2']);
  const asks = worker.fakes.calls('requestOrderSlot').filter(([issuer]) => issuer !== undefined).length;
  assert.ok(asks >= 3, `lost-2 asked again (${asks} requests in all)`);
});
