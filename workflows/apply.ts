// Shared rules for the apply Update of entity workflows: the manifest must name this workflow,
// and a spec that differs from the stored one bumps metadata.generation.
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import type { ApplyResult } from '../resources/messages.ts';
import { createdSpec } from '../resources/created-object.ts';
import { stableJson } from '../resources/stable-json.ts';
import type { ObjectMeta } from '../resources/types.ts';

interface Applied {
  metadata: ObjectMeta;
  spec: unknown;
}

export function assertNamesThisWorkflow(expectedId: string): void {
  if (expectedId !== workflowInfo().workflowId) {
    throw ApplicationFailure.nonRetryable(`manifest is for ${expectedId}, not ${workflowInfo().workflowId}`, 'WrongWorkflow');
  }
}

/** Merges an applied manifest into the stored object; says what changed as kubectl would. */
export function applyManifest<T extends Applied>(
  current: T | undefined,
  next: Omit<T, 'status'>,
  now: Date,
): { object: Omit<T, 'status'>; result: ApplyResult; specChanged: boolean } {
  if (!current) {
    return {
      object: createdSpec(next, now),
      result: 'created',
      specChanged: true,
    };
  }
  const specChanged = stableJson(current.spec) !== stableJson(next.spec);
  const metaChanged = stableJson([current.metadata.labels, current.metadata.annotations]) !== stableJson([next.metadata.labels, next.metadata.annotations]);
  if (!specChanged && !metaChanged) return { object: current, result: 'unchanged', specChanged };
  const generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  return {
    object: { ...next, metadata: { ...next.metadata, generation, creationTimestamp: current.metadata.creationTimestamp } },
    result: 'configured',
    specChanged,
  };
}
