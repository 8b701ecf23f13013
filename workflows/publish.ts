// Publishes a resource's object in the workflow memo whenever it changed since the last time:
// one memo write per change, not per workflow task, keeps histories short.
import { makeContinueAsNewFunc, upsertMemo, workflowInfo, type Workflow } from '@temporalio/workflow';
import { isPatched } from './patches.ts';
import { codeLevelMemo } from '../resources/code-level.ts';
import { OBJECT_MEMO } from '../resources/memo.ts';

export type Publisher<T> = (object: T | undefined) => void;

/**
 * Runs started before objects were published in memos replay without these commands; they keep
 * being read with queries (api/resources/published.ts falls back to one).
 */
export const publishesObjects = () => isPatched('publish-object-memo');

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
  // The new run runs this code from its start: it takes this code's level (workflows/patches.ts).
  return makeContinueAsNewFunc<F>({ memo: { ...workflowInfo().memo, ...codeLevelMemo() } })(...args);
}
