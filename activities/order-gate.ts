// The Order's side of its Issuer's order gate. A workflow cannot start another workflow that may
// already run (children cannot USE_EXISTING), so asking for a slot is an activity: an update to a
// running gate, answered with the grant when a slot is free; otherwise signalWithStart, which
// starts the gate on demand and queues the request in one call, and the gate answers with a signal.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { eachBounded } from '../platform/bounded.ts';
import { codeLevelMemo } from '../resources/code-level.ts';
import { orderGateWorkflowId } from '../resources/ids.ts';
import { acquireOrderSlot, orderSlotGranted, orderSlotQueued, orderSlotWaiting, releaseOrderSlot, requestOrderSlot } from '../resources/messages.ts';
import type { OrderGateOptions } from '../resources/order-gate-options.ts';
import { ORDER_GATE_PRIORITY } from '../resources/task-priority.ts';
import { gatedIssuerLabel, type GatedIssuer, type OrderNotice, type SlotAnswer, type SlotHolder, type SlotRequest } from '../resources/order-gate.ts';

/** The Order run that called: the gate grants and frees slots per run. */
function callingRun(): SlotHolder {
  const run = Context.current().info.workflowExecution;
  if (!run) throw new Error('order slots are asked for by Order workflows only');
  return { workflowId: run.workflowId, runId: run.runId };
}

export function orderGateActivities(client: () => Client, options: () => OrderGateOptions) {
  return {
    /**
     * Queues the calling Order run at its Issuer's gate (idempotent: a retry queues it once).
     * `granted` when the gate granted a slot in its answer; otherwise the grant comes as a signal,
     * and the Order asks again after `reaskAfterMs` if none came by then. A running gate says in
     * its answer how busy the issuer is when the Order must wait (`queued`); a gate started by the
     * signal says it with `orderSlotQueued`. Runs recorded before ignore `queued` as they replay
     * (workflows/order-slot.ts), and an activity runs in the same worker as its workflow.
     */
    async requestOrderSlot(issuer: GatedIssuer): Promise<{ reaskAfterMs: number } & Partial<SlotAnswer>> {
      const { maxConcurrentOrders, leakCheckMs, firstReaskMs, taskQueue = Context.current().info.taskQueue } = options();
      const workflowId = orderGateWorkflowId(issuer.kind, issuer.namespace, issuer.name);
      const request: SlotRequest = { ...callingRun(), limit: maxConcurrentOrders, queuedInAnswer: true };
      try {
        const answer = await client()
          .workflow.getHandle(workflowId)
          .executeUpdate(acquireOrderSlot, { args: [request] });
        return { reaskAfterMs: firstReaskMs, ...answer };
      } catch (err) {
        // No gate running (it ends when idle), or one that closed while the update was on its way,
        // or a worker too old to know the update: ask with a signal, which starts a gate if needed.
        if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError)) throw err;
      }
      await client().workflow.signalWithStart('orderGateWorkflow', {
        workflowId,
        taskQueue,
        args: [{ issuer: gatedIssuerLabel(issuer), leakCheckMs }],
        signal: requestOrderSlot,
        signalArgs: [request],
        priority: ORDER_GATE_PRIORITY,
        staticSummary: `Order slots of ${gatedIssuerLabel(issuer)}: at most ${maxConcurrentOrders} ACME orders at once`,
        memo: codeLevelMemo(),
      });
      return { reaskAfterMs: firstReaskMs };
    },

    /**
     * Gives the calling Order run's slot (or queue place) back. An activity rather than a signal
     * command: the Order completes in the same task, without waiting for the signal's outcome.
     * A gate that is gone (terminated by hand) holds nothing to give back.
     */
    async giveBackOrderSlot(issuer: GatedIssuer): Promise<void> {
      try {
        await client()
          .workflow.getHandle(orderGateWorkflowId(issuer.kind, issuer.namespace, issuer.name))
          .signal(releaseOrderSlot, callingRun());
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /**
     * The gate's grants and queue notices, sent with the client. Returns the runs that have
     * closed, whose slots or places are free. Sent again on a retry, which changes nothing for an
     * Order that already has them.
     */
    async tellOrders(notices: OrderNotice[]): Promise<SlotHolder[]> {
      const gone: SlotHolder[] = [];
      await eachBounded(notices, 20, async (n) => {
        const order = client().workflow.getHandle(n.run.workflowId, n.run.runId);
        try {
          if (n.kind === 'granted') await order.signal(orderSlotGranted);
          else await order.signal(orderSlotQueued, { inUse: n.inUse, limit: n.limit });
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) gone.push(n.run);
          else throw err;
        }
      });
      return gone;
    },

    /**
     * An Order's wait for a slot (`message`), or its end, told to its CertificateRequest, and by the
     * request to its Certificate. With the client rather than a signal command, whose outcome the
     * server would hand the sender in a workflow task of its own. A run that has closed has
     * nothing left to show.
     */
    async tellOrderSlotWaiting(run: { workflowId: string; runId?: string }, message?: string): Promise<void> {
      try {
        await client().workflow.getHandle(run.workflowId, run.runId).signal(orderSlotWaiting, { message });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    /** The runs among `runs` that are no longer running: their slots are free whatever they said. */
    async findClosedRuns(runs: SlotHolder[]): Promise<SlotHolder[]> {
      const closed: SlotHolder[] = [];
      // A few describes at a time: the check must not crowd out the service's own calls.
      for (let i = 0; i < runs.length; i += 10) {
        await Promise.all(
          runs.slice(i, i + 10).map(async (run) => {
            try {
              const { status } = await client().workflow.getHandle(run.workflowId, run.runId).describe();
              if (status.name !== 'RUNNING') closed.push(run);
            } catch (err) {
              if (err instanceof WorkflowNotFoundError) closed.push(run);
              else throw err;
            }
          }),
        );
        Context.current().heartbeat(i);
      }
      return closed;
    },
  };
}
