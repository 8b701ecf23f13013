// A regular activity's worker can die mid-call (SIGKILL, a lost machine). Temporal notices only
// when a heartbeat is late, else only at startToCloseTimeout: minutes, for an activity whose
// timeout has to cover a long wait (key generation queued behind other keys). Heartbeating on a
// timer while the work runs lets a short heartbeatTimeout catch the dead worker; work that ends
// before the first tick (the usual case) sends no heartbeat, so costs no server round trip.
import { Context } from '@temporalio/activity';

export async function heartbeatWhile<T>(work: () => Promise<T>, everyMs = 2_000): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work(); // called outside an activity (unit tests, scripts)
  }
  if (context.info.isLocal) return work(); // a local activity dies with its workflow task, which times out by itself
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
