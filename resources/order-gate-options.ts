// Limits on an Issuer's ACME orders, from the service's configuration. The worker's activity
// hands them to the Issuer's order gate with every request, so a changed setting takes effect
// with the next order, without touching any Certificate's history.
export interface OrderGateOptions {
  /** At most this many ACME orders per Issuer / ClusterIssuer in flight at once. */
  maxConcurrentOrders: number;
  /** While slots are held, the gate checks this often whether a holder closed without giving its slot back. */
  leakCheckMs: number;
  /** An Order still waiting for its grant asks again after this long (doubling to 10 min): a lost request or grant is repaired. */
  firstReaskMs: number;
  /**
   * The task queue gates run on (worker/run.ts serves it with a worker of its own); unset: the
   * asking Order's own.
   */
  taskQueue?: string;
}

/**
 * Gates get a worker, and so a workflow thread, of their own: one gate takes every Order's
 * request and release, and behind thousands of other workflows' tasks each of its tasks waited
 * 1-15 s (bench:scale, N = 10,000). A gate evicted then (a refused continue-as-new) replayed its
 * history one task at a time in that queue, timed out, and no Order got a slot again.
 */
export const orderGateTaskQueue = (taskQueue: string): string => `${taskQueue}-order-gates`;

export const DEFAULT_ORDER_GATE_OPTIONS: OrderGateOptions = {
  // Let's Encrypt allows 300 new orders per account per 3 hours; 100 in flight keeps a storm
  // well inside that while letting Pebble benches run at full speed.
  maxConcurrentOrders: 100,
  leakCheckMs: 60_000,
  firstReaskMs: 60_000,
};
