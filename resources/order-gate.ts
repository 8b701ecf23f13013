// The order gate's bookkeeping: who holds one of an Issuer's order slots, who waits for one, and
// what to do next. Pure, so the decisions are table-tested; workflows/order-gate.ts only applies
// them and sends the signals they call for.
import type { IssuerKind } from './ids.ts';

/** The Issuer or ClusterIssuer whose orders a gate counts. */
export interface GatedIssuer {
  kind: IssuerKind;
  /** The Order's namespace; ignored for a ClusterIssuer. */
  namespace: string;
  name: string;
}

export const gatedIssuerLabel = (i: GatedIssuer): string => (i.kind === 'ClusterIssuer' ? `ClusterIssuer ${i.name}` : `Issuer ${i.namespace}/${i.name}`);

/** One Order run. The run ID makes a grant to a run that has already closed fail (and free the slot). */
export interface SlotHolder {
  workflowId: string;
  runId: string;
}

export interface OrderGateState {
  limit: number;
  /** Runs that hold a slot, in grant order. */
  holders: SlotHolder[];
  /** Runs waiting for a slot, first come first served. */
  queue: SlotHolder[];
}

/** What the gate tells an Order run: its slot is granted, or it joined the queue behind `inUse` of `limit`. */
export type OrderNotice = { run: SlotHolder; kind: 'granted' } | { run: SlotHolder; kind: 'queued'; inUse: number; limit: number };

export interface SlotRequest extends SlotHolder {
  /** The limit as the requesting worker is configured (ISSUER_MAX_CONCURRENT_ORDERS); the latest wins. */
  limit: number;
  /**
   * Set by Orders that read a queued answer to the update themselves: the gate then sends them no
   * `orderSlotQueued` signal, and the Order no workflow task to handle it.
   */
  queuedInAnswer?: boolean;
}

/** The gate's answer to an update: the grant, or (to a request that asked for it) its place behind `inUse` of `limit`. */
export interface SlotAnswer {
  granted: boolean;
  queued?: { inUse: number; limit: number };
}

const same = (a: SlotHolder) => (b: SlotHolder) => a.workflowId === b.workflowId && a.runId === b.runId;

/** A request joins the queue once; a retried request (an activity retry, a replayed signal) is a no-op. */
export function enqueue(state: OrderGateState, request: SlotRequest): OrderGateState {
  const run = { workflowId: request.workflowId, runId: request.runId };
  const limit = Math.max(1, Math.floor(request.limit));
  if (state.holders.some(same(run)) || state.queue.some(same(run))) return { ...state, limit };
  return { ...state, limit, queue: [...state.queue, run] };
}

/** A run gives its slot back, or leaves the queue (cancelled while waiting). Unknown runs change nothing. */
export function release(state: OrderGateState, run: SlotHolder): OrderGateState {
  const other = (h: SlotHolder) => !same(run)(h);
  return { ...state, holders: state.holders.filter(other), queue: state.queue.filter(other) };
}

/** Frees the slots and queue places of runs found closed (terminated, timed out, crashed without releasing). */
export function dropClosed(state: OrderGateState, closed: SlotHolder[]): OrderGateState {
  return closed.reduce(release, state);
}

/** Grants free slots to the head of the queue, in order; never more holders than the limit. */
export function admit(state: OrderGateState): { state: OrderGateState; granted: SlotHolder[] } {
  const free = Math.max(0, state.limit - state.holders.length);
  const granted = state.queue.slice(0, free);
  return { state: { ...state, holders: [...state.holders, ...granted], queue: state.queue.slice(granted.length) }, granted };
}

/**
 * A request that wants its answer at once (an update): granted when the run holds a slot already,
 * or when a slot is free and nobody queued before it; otherwise queued as `enqueue` does, to be
 * granted in turn by the gate's loop.
 */
export function grantAtOnce(state: OrderGateState, request: SlotRequest): { state: OrderGateState; granted: boolean } {
  const run = { workflowId: request.workflowId, runId: request.runId };
  const queued = enqueue(state, request);
  if (queued.holders.some(same(run))) return { state: queued, granted: true };
  const admitted = admit(queued);
  if (admitted.granted.length === 1 && same(run)(admitted.granted[0]!)) return { state: admitted.state, granted: true };
  return { state: queued, granted: false };
}

/** The update's answer: a request that asked to hear it there is told its place when it must wait. */
export function slotAnswer(state: OrderGateState, request: SlotRequest, granted: boolean): SlotAnswer {
  return granted || !request.queuedInAnswer ? { granted } : { granted, queued: { inUse: state.holders.length, limit: state.limit } };
}

/** What a waiting Order, its CertificateRequest and its Certificate show. */
export function waitingMessage(issuer: string, inUse: number, limit: number): string {
  return `Waiting for a free order slot of ${issuer}: ${inUse} of ${limit} in use`;
}
