// The workflow interceptors the bundle registers (worker/bundle.ts): every workflow writes its
// memo and search attributes once per workflow task (workflows/visibility-upserts.ts).
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { isPatched } from './patches.ts';
import { coalesceUpserts, withoutWriteNow, type PendingUpserts } from './visibility-upserts.ts';

export const interceptors = (): WorkflowInterceptors => {
  // Asked once, as the run starts: runs recorded before wrote every upsert, and replay that way.
  let coalesce = false;
  let localActivitiesRunning = 0;
  const pending: PendingUpserts = {};
  return {
    inbound: [
      {
        execute(input, next) {
          coalesce = isPatched('coalesce-visibility-upserts');
          return next(input);
        },
      },
    ],
    outbound: [
      {
        // Per attempt: a retry that waits on a timer ends the task meanwhile.
        async scheduleLocalActivity(input, next) {
          localActivitiesRunning++;
          try {
            return await next(input);
          } finally {
            localActivitiesRunning--;
          }
        },
      },
    ],
    internals: [
      {
        concludeActivation(input, next) {
          const out = next(input);
          return { ...out, commands: coalesce ? coalesceUpserts(out.commands, pending, localActivitiesRunning > 0) : withoutWriteNow(out.commands) };
        },
      },
    ],
  };
};
