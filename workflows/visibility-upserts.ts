// One memo write and one search attribute write per workflow task, however often the code
// publishes within it. The server applies a task's commands together, so no reader ever sees the
// values in between, yet it records an event and runs a visibility write for each upsert: an
// Order published its object 8 times in 3 workflow tasks, one after each ACME call. A task stays
// open while a local activity runs, so the upserts of an activation that leaves one running wait
// for the next activation; the last one before the task ends carries them all.
import { upsertMemo, type ConcludeActivationInput } from '@temporalio/workflow';

type Command = ConcludeActivationInput['commands'][number];
type Fields = NonNullable<NonNullable<NonNullable<Command['modifyWorkflowProperties']>['upsertedMemo']>['fields']>;

/** Upserts taken from activations that did not end their workflow task, merged (later values win). */
export interface PendingUpserts {
  memo?: Fields;
  searchAttributes?: Fields;
  /** The event group markers of the last upsert taken, kept on the merged command. */
  memoMarkers?: Command['eventGroupMarkers'];
  searchAttributeMarkers?: Command['eventGroupMarkers'];
}

/**
 * Sends what this task has upserted so far with this activation, instead of when the task ends: for
 * a change readers must see even while a slow local activity runs (the server applies a task's
 * commands so far when core heartbeats it). An empty memo upsert is the request; it is never sent.
 */
export const writeVisibilityNow = (): void => upsertMemo({});

const isWriteNow = (c: Command) => c.modifyWorkflowProperties != null && Object.keys(c.modifyWorkflowProperties.upsertedMemo?.fields ?? {}).length === 0;

/** For runs that write every upsert as made: only the requests to write now go. */
export const withoutWriteNow = (commands: Command[]): Command[] => (commands.some(isWriteNow) ? commands.filter((c) => !isWriteNow(c)) : commands);

const TERMINAL: (keyof Command)[] = ['completeWorkflowExecution', 'failWorkflowExecution', 'cancelWorkflowExecution', 'continueAsNewWorkflowExecution'];
const isTerminal = (c: Command) => TERMINAL.some((k) => c[k] != null);

/**
 * This activation's commands with its memo and search attribute upserts taken into `pending`.
 * When the task may end here (no local activity left running, or the run ends), or when asked
 * (writeVisibilityNow), the merged upserts go back, before any command that ends the run. A query's answer is left alone: it ends no task.
 */
export function coalesceUpserts(commands: Command[], pending: PendingUpserts, localActivityRunning: boolean): Command[] {
  if (commands.some((c) => c.respondToQuery != null)) return commands;
  const kept: Command[] = [];
  let now = false;
  for (const c of commands) {
    if (isWriteNow(c)) {
      now = true;
      continue;
    }
    const memo = c.modifyWorkflowProperties?.upsertedMemo?.fields;
    const attributes = c.upsertWorkflowSearchAttributes?.searchAttributes?.indexedFields;
    if (memo) {
      pending.memo = { ...pending.memo, ...memo };
      pending.memoMarkers = c.eventGroupMarkers;
    } else if (attributes) {
      pending.searchAttributes = { ...pending.searchAttributes, ...attributes };
      pending.searchAttributeMarkers = c.eventGroupMarkers;
    } else kept.push(c);
  }
  const end = kept.findIndex(isTerminal);
  if (localActivityRunning && end < 0 && !now) return kept;
  const merged: Command[] = [];
  if (pending.memo) merged.push({ modifyWorkflowProperties: { upsertedMemo: { fields: pending.memo } }, eventGroupMarkers: pending.memoMarkers });
  if (pending.searchAttributes)
    merged.push({ upsertWorkflowSearchAttributes: { searchAttributes: { indexedFields: pending.searchAttributes } }, eventGroupMarkers: pending.searchAttributeMarkers });
  for (const key of Object.keys(pending) as (keyof PendingUpserts)[]) delete pending[key];
  const at = end < 0 ? kept.length : end;
  return [...kept.slice(0, at), ...merged, ...kept.slice(at)];
}
