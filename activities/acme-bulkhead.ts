// Keeps one unresponsive CA from starving the worker. ACME calls are local activities, and a
// local activity holds its workflow task slot while it runs (measured: 40 calls hanging at one
// CA delayed every other workflow by the full hang; scripts/bench/la-slots.ts). So once a few
// calls to a server have gone unanswered for a while, further calls to it fail at once with a
// retryable failure whose delay turns the retry into a durable timer, which frees the slot.
// Calls to other servers are not affected; a server that answers never trips this.

export interface BulkheadLimits {
  /** A call pending longer than this counts as stuck. */
  stuckAfterMs: number;
  /** This many stuck calls to one server shed new ones. */
  maxStuck: number;
}

export const DEFAULT_BULKHEAD: BulkheadLimits = { stuckAfterMs: 2_000, maxStuck: 4 };

/** Whether a new call should be shed, given when the calls now pending to the same server started. */
export function shouldShed(pendingStarts: Iterable<number>, now: number, limits: BulkheadLimits = DEFAULT_BULKHEAD): boolean {
  let stuck = 0;
  for (const started of pendingStarts) if (now - started >= limits.stuckAfterMs) stuck++;
  return stuck >= limits.maxStuck;
}

/** Pending calls per server origin (one worker process). */
export class Bulkhead {
  private readonly pending = new Map<string, Set<{ started: number }>>();

  constructor(private readonly limits: BulkheadLimits = DEFAULT_BULKHEAD) {}

  /** Undefined when the call is shed; otherwise a release function to call when it ends. */
  enter(origin: string, now = Date.now()): (() => void) | undefined {
    let calls = this.pending.get(origin);
    if (
      calls &&
      shouldShed(
        [...calls].map((c) => c.started),
        now,
        this.limits,
      )
    )
      return undefined;
    if (!calls) this.pending.set(origin, (calls = new Set()));
    const call = { started: now };
    calls.add(call);
    return () => {
      calls.delete(call);
      if (calls.size === 0 && this.pending.get(origin) === calls) this.pending.delete(origin);
    };
  }

  stuck(origin: string, now = Date.now()): number {
    return [...(this.pending.get(origin) ?? [])].filter((c) => now - c.started >= this.limits.stuckAfterMs).length;
  }
}
