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
}

export const DEFAULT_ORDER_GATE_OPTIONS: OrderGateOptions = {
  // Let's Encrypt allows 300 new orders per account per 3 hours; 100 in flight keeps a storm
  // well inside that while letting Pebble benches run at full speed.
  maxConcurrentOrders: 100,
  leakCheckMs: 60_000,
  firstReaskMs: 60_000,
};
