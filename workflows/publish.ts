// Publishes a resource's object in the workflow memo whenever it changed since the last time:
// one memo write per change, not per workflow task, keeps histories short.
import { continueAsNew, makeContinueAsNewFunc, patched, upsertMemo, workflowInfo, type Workflow } from '@temporalio/workflow';
import { OBJECT_MEMO } from '../resources/memo.ts';

export type Publisher<T> = (object: T | undefined) => void;

/**
 * Runs started before objects were published in memos replay without these commands; they keep
 * being read with queries (api/resources/published.ts falls back to one).
 */
export const publishesObjects = () => patched('publish-object-memo');

export function objectPublisher<T>(): Publisher<T> {
  // A run continued-as-new starts with the memo its predecessor carried over.
  let last = JSON.stringify(workflowInfo().memo?.[OBJECT_MEMO]);
  return (object) => {
    if (object === undefined || !publishesObjects()) return;
    const json = JSON.stringify(object);
    if (json === last) return;
    last = json;
    upsertMemo({ [OBJECT_MEMO]: object });
  };
}

/**
 * Continue-as-new carrying the published object: the new run's first workflow task may be
 * delayed by the server (NOTES.md), and reads must not see an empty memo meanwhile.
 */
export function continueAsNewPublished<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  const memo = workflowInfo().memo;
  return memo ? makeContinueAsNewFunc<F>({ memo })(...args) : continueAsNew<F>(...args);
}
