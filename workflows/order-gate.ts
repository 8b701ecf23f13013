// Order gate: at most `limit` ACME orders of one Issuer (or ClusterIssuer) in flight, across every
// worker on every host. Orders ask with an update, answered with the grant when a slot is free, or
// with a signal when the gate is not running (activities/order-gate.ts starts it on demand); those
// that must wait are granted first come first served by a signal back (sent by a local activity), and
// give the slot back with a signal. A slot is never lost: a grant to a run that has closed fails
// and frees it, and while slots are held the gate checks every `leakCheckMs` whether a holder
// closed without giving it back (terminated, timed out). The gate ends once idle and is started
// again by the next order.
import { allHandlersFinished, condition, getExternalWorkflowHandle, setHandler, workflowInfo, type SignalDefinition } from '@temporalio/workflow';
import { isPatched, isPatchedOnRarePath, refuseRunsAboveLevel } from './patches.ts';
import { admit, dropClosed, enqueue, grantAtOnce, release, slotAnswer, type OrderGateState, type OrderNotice, type SlotHolder } from '../resources/order-gate.ts';
import type { OrderGateObject } from '../resources/objects.ts';
import { DEFAULT_ORDER_GATE_OPTIONS } from '../resources/order-gate-options.ts';
import { acquireOrderSlot, orderSlotGranted, orderSlotQueued, releaseOrderSlot, requestOrderSlot } from '../resources/messages.ts';
import { gate, lookup } from './activities.ts';
import { continueAsNewPublished, objectPublisher } from './publish.ts';

export interface OrderGateInput {
  /** "Issuer team-a/pebble", as shown to waiting orders. */
  issuer: string;
  leakCheckMs?: number;
  /** How long the gate stays up with nothing held or queued. */
  idleMs?: number;
  /** Carried across continue-as-new. */
  state?: OrderGateState;
  /** Carried across continue-as-new: runs still to be told they queued, holders to be granted again. */
  notify?: { queued: SlotHolder[]; regrant: SlotHolder[] };
}

const IDLE_MS = 10 * 60_000;
const CHECK_KEEPS_SIGNALS = 'gate-check-keeps-signals';
const CAN_IN_TRAFFIC = 'gate-continue-as-new-in-traffic';
const NOTIFY_BY_ACTIVITY = 'gate-notify-by-activity';
const QUEUED_IN_ANSWER = 'gate-queued-in-answer';
const NOTICES_PER_CALL = 200;

export async function orderGateWorkflow(input: OrderGateInput): Promise<void> {
  refuseRunsAboveLevel();
  const leakCheckMs = input.leakCheckMs ?? DEFAULT_ORDER_GATE_OPTIONS.leakCheckMs;
  const idleMs = input.idleMs ?? IDLE_MS;
  let state: OrderGateState = input.state ?? { limit: DEFAULT_ORDER_GATE_OPTIONS.maxConcurrentOrders, holders: [], queue: [] };
  let changed = true;
  let sending = 0;
  let nextCheck = Date.now() + leakCheckMs;
  const newlyQueued: SlotHolder[] = [...(input.notify?.queued ?? [])];
  const regrant: SlotHolder[] = [...(input.notify?.regrant ?? [])];
  const publish = objectPublisher<OrderGateObject>();
  // Grants went out as signal-external commands, whose outcome the server records in the gate's
  // history. Under load some outcomes never came (bench:scale N = 10,000: 17 of 869 still missing
  // after 10 minutes, although the Orders had their grants), and a gate that waits for them
  // before continuing-as-new waited for good. The client's signal answers at once, and a run
  // that closed is told apart by its error. Runs recorded before keep the commands.
  const byActivity = isPatched(NOTIFY_BY_ACTIVITY);

  setHandler(requestOrderSlot, (request) => {
    // A holder asking again never saw its grant: send it again.
    if (state.holders.some((h) => h.workflowId === request.workflowId && h.runId === request.runId)) regrant.push({ workflowId: request.workflowId, runId: request.runId });
    const before = state.queue.length;
    state = enqueue(state, request);
    if (state.queue.length > before) newlyQueued.push(state.queue.at(-1)!);
    changed = true;
  });
  // The answer carries the grant when a slot is free: no signal back, no workflow task for the Order.
  // A run that must wait hears its place in the answer when it asked to, instead of by a signal.
  setHandler(acquireOrderSlot, (request) => {
    const before = state.queue.length;
    const answer = grantAtOnce(state, request);
    state = answer.state;
    const inAnswer = request.queuedInAnswer === true && isPatchedOnRarePath(QUEUED_IN_ANSWER);
    if (state.queue.length > before && !inAnswer) newlyQueued.push(state.queue.at(-1)!);
    changed = true;
    return inAnswer ? slotAnswer(state, request, answer.granted) : { granted: answer.granted };
  });
  setHandler(releaseOrderSlot, (run) => {
    state = release(state, run);
    changed = true;
  });

  // A signal to a run that has closed fails: whatever it held or waited for is free again.
  const send = <A extends unknown[]>(run: SlotHolder, signal: SignalDefinition<A>, ...args: A) => {
    sending++;
    getExternalWorkflowHandle(run.workflowId, run.runId)
      .signal(signal, ...args)
      .catch(() => {
        state = release(state, run);
        changed = true;
      })
      .finally(() => void sending--);
  };

  for (;;) {
    changed = false;
    const admitted = admit(state);
    state = admitted.state;
    const notices: OrderNotice[] = [...admitted.granted, ...regrant.splice(0)].map((run) => ({ run, kind: 'granted' }));
    // Told once, when they join the queue: a notice per waiter per change would be quadratic.
    for (const run of newlyQueued.splice(0)) {
      if (state.queue.some((q) => q.workflowId === run.workflowId && q.runId === run.runId)) notices.push({ run, kind: 'queued', inUse: state.holders.length, limit: state.limit });
    }
    publish(gateObject(input.issuer, state));
    if (byActivity) {
      for (let i = 0; i < notices.length; i += NOTICES_PER_CALL) {
        const gone = await gate.tellOrders(notices.slice(i, i + NOTICES_PER_CALL));
        if (gone.length > 0) [state, changed] = [dropClosed(state, gone), true];
      }
    } else {
      for (const n of notices) {
        if (n.kind === 'granted') send(n.run, orderSlotGranted);
        else send(n.run, orderSlotQueued, { inUse: n.inUse, limit: n.limit });
      }
    }

    const suggested = workflowInfo().continueAsNewSuggested;
    // A grant in flight that fails frees a slot: wait for its outcome before carrying state over,
    // but start no new one. Idle or not: requests and re-asks keep coming in a storm (scale bench:
    // 15-20 a second), and waiting for a quiet moment, as runs before the patch do, never ended;
    // the history grew to tens of thousands of events, which every replay of the gate then read.
    // What arrives meanwhile is in `state`, or lands in a new workflow task that makes the server
    // refuse this completion and run this again: nothing is lost.
    if (suggested && isPatched(CAN_IN_TRAFFIC)) {
      await condition(() => sending === 0 && allHandlersFinished());
      return continueAsNewPublished<typeof orderGateWorkflow>({ ...input, leakCheckMs, idleMs, state, notify: { queued: newlyQueued, regrant } });
    }
    if (state.holders.length === 0 && state.queue.length === 0) {
      if (await condition(() => changed, idleMs)) continue;
      await condition(() => changed || (sending === 0 && allHandlersFinished()));
      // A request arriving now lands in a new workflow task, which makes the server refuse this
      // completion and run the loop again: nothing queued is dropped.
      if (!changed) return;
      continue;
    }
    if (suggested) {
      await condition(() => changed || (sending === 0 && allHandlersFinished()));
      if (!changed) return continueAsNewPublished<typeof orderGateWorkflow>({ ...input, leakCheckMs, idleMs, state });
      continue;
    }
    // On a schedule, not after a quiet spell: in a storm the gate is never quiet for long.
    if (Date.now() >= nextCheck) {
      nextCheck = Date.now() + leakCheckMs;
      const before = state;
      const closed = await lookup.findClosedRuns(state.holders);
      // Requests and releases handled while the check ran are kept. Runs recorded before the
      // patch dropped them (a queued Order then waited for its re-ask, a freed slot for the next check).
      state = dropClosed(isPatched(CHECK_KEEPS_SIGNALS) ? state : before, closed);
      continue;
    }
    await condition(() => changed, nextCheck - Date.now());
  }
}

function gateObject(issuer: string, state: OrderGateState): OrderGateObject {
  return { kind: 'OrderGate', issuer, limit: state.limit, inUse: state.holders.length, waiting: state.queue.length };
}
