// A worker runs no task of a run started at a code level above its own (workflows/patches.ts): it
// would take old paths where the run's level promises new ones, and a newer worker replaying the
// history later would fail for good. The task fails instead, and is retried until a worker that
// knows the level takes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import proto from '@temporalio/proto';
import { CODE_LEVEL, CODE_LEVEL_MEMO } from '../../resources/code-level.ts';
import { eventually } from '../support/certificate-driver.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';

const E = proto.temporal.api.enums.v1.EventType;
let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

test("a run started above the worker's code level gets no task done; one at its level does", async (t) => {
  const w = await env.startWorker();
  t.after(() => w.stop());
  const start = async (id: string, level: number) => {
    w.roots.add(id);
    return env.client.workflow.start('certificateWorkflow', { workflowId: id, taskQueue: w.taskQueue, args: [{}], memo: { [CODE_LEVEL_MEMO]: level } });
  };
  const newer = await start('certificate/team-a/newer', CODE_LEVEL + 1);
  const known = await start('certificate/team-a/known', CODE_LEVEL);
  const events = async (h: typeof newer) => (await h.fetchHistory()).events ?? [];

  await eventually('the newer run to fail a workflow task', async () => (await events(newer)).some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED));
  await eventually('the known run to complete a workflow task', async () => (await events(known)).some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
  const failed = (await events(newer)).find((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  assert.match(failed?.workflowTaskFailedEventAttributes?.failure?.message ?? '', new RegExp(`started at code level ${CODE_LEVEL + 1} and this worker knows ${CODE_LEVEL}`));
  assert.ok(!(await events(newer)).some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED), 'no task of the newer run completed');
  assert.ok(!(await events(known)).some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED));
  assert.equal((await newer.describe()).status.name, 'RUNNING', 'the run waits for a worker that knows its level');
});
