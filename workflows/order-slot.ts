// An Order's slot at its Issuer's order gate (workflows/order-gate.ts): asked for before the ACME
// order is created, given back however the Order ends. While it waits, the Order, its
// CertificateRequest and its Certificate say so.
import { CancellationScope, condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { orderSlotGranted, orderSlotQueued, orderSlotWaiting } from '../resources/messages.ts';
import { gatedIssuerLabel, waitingMessage, type GatedIssuer } from '../resources/order-gate.ts';
import type { IssuerRef } from '../resources/types.ts';
import { gate } from './activities.ts';
import { isPatchedOnRarePath } from './patches.ts';
import { writeVisibilityNow } from './visibility-upserts.ts';

const FIRST_REASK_MS = 60_000;
const MAX_REASK_MS = 10 * 60_000;
const WAITING_BY_ACTIVITY = 'order-slot-waiting-by-activity';

export interface OrderSlot {
  acquire(): Promise<void>;
  /** Gives the slot (or the queue place) back; not cancellable, so a cancelled Order gives it back too. */
  release(): Promise<void>;
}

export function orderSlot(order: { namespace: string; issuerRef: IssuerRef }, show: (reason: string | undefined) => void): OrderSlot {
  const issuer: GatedIssuer = { kind: order.issuerRef.kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer', namespace: order.namespace, name: order.issuerRef.name };
  let granted = false;
  let waited = false;
  let requested = false;
  // Told in the gate's answer where it can, and the request told by a local activity: the Order
  // pays no workflow task for a queued signal, nor for the outcome of a signal command. Runs
  // recorded before replay both as they were; the patch is asked only once the Order must wait.
  let byActivity = false;
  const queued = ({ inUse, limit }: { inUse: number; limit: number }) => {
    if (granted) return;
    waited = true;
    byActivity = isPatchedOnRarePath(WAITING_BY_ACTIVITY);
    const message = waitingMessage(gatedIssuerLabel(issuer), inUse, limit);
    show(message);
    tellParent(message, byActivity);
  };
  // Registered before the first await: the gate may answer before the activity's result is in.
  setHandler(orderSlotGranted, () => void (granted = true));
  setHandler(orderSlotQueued, queued);
  return {
    async acquire() {
      requested = true;
      // Asked again while waiting: a request or a grant that went astray (scale bench: 2 Orders of
      // a 200-certificate storm waited for good) is repaired; the gate keeps one place per run and
      // grants a run it already counts as a holder again.
      for (let wait: number | undefined; ; ) {
        // Runs recorded before the gate said when to ask again got nothing back: the old constant.
        const asked = await gate.requestOrderSlot(issuer);
        // Granted in the gate's answer: no timer, and no workflow task to wait for. Runs recorded
        // before the gate could answer got no `granted` back and replay the wait for the signal.
        if (asked?.granted) {
          granted = true;
          break;
        }
        // Told once, as the gate tells a run by signal only when it joins the queue. A worker of
        // the version before ignored the place in the answer, and waited for the grant alone.
        if (asked?.queued && !waited && isPatchedOnRarePath(WAITING_BY_ACTIVITY)) queued(asked.queued);
        wait = wait === undefined ? (asked?.reaskAfterMs ?? FIRST_REASK_MS) : Math.min(wait * 2, MAX_REASK_MS);
        if (await condition(() => granted, wait)) break;
      }
      if (waited) {
        show(undefined);
        // The ACME order is created next, in this task: a slow CA must not keep the wait shown.
        writeVisibilityNow();
        tellParent(undefined, byActivity);
      }
    },
    async release() {
      if (!requested) return;
      // If this fails for good, the gate's check finds the closed run and frees the slot.
      await CancellationScope.nonCancellable(() => gate.giveBackOrderSlot(issuer)).catch(() => undefined);
    },
  };
}

/** Best effort, in the background: the sender (an Order, or its request) shows the wait itself too. */
export function tellParent(message: string | undefined, byActivity: boolean): void {
  const parent = workflowInfo().parent;
  if (!parent) return;
  const told = byActivity
    ? gate.tellOrderSlotWaiting({ workflowId: parent.workflowId, runId: parent.runId }, message)
    : getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(orderSlotWaiting, { message });
  void told.catch(() => undefined);
}
