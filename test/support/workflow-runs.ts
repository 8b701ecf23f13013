// Which workflow runs exist and how they ended, read by ID and from histories (the time-skipping
// test server has no visibility list), plus a polling wait for tests.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** RUNNING, COMPLETED, CANCELLED, FAILED, ... of a workflow run (the latest when no runId); undefined if none. */
export async function statusOf(client: Client, workflowId: string, runId?: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export interface Run {
  workflowId: string;
  runId: string;
}

/** The latest run of a workflow ID. */
export async function currentRun(client: Client, workflowId: string): Promise<Run> {
  return { workflowId, runId: (await client.workflow.getHandle(workflowId).describe()).runId };
}

/** The child workflows a run has started, from its history (the test server has no visibility list). */
export async function childRuns(client: Client, run: Run): Promise<Run[]> {
  const { events } = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  return (events ?? []).flatMap((e) => {
    const x = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    return x?.workflowId && x.runId ? [{ workflowId: x.workflowId, runId: x.runId }] : [];
  });
}

/** Waits until a run has started a child whose ID starts with `prefix`. */
export async function childRun(client: Client, run: Run, prefix: string): Promise<Run> {
  let found: Run | undefined;
  await eventually(`${run.workflowId} to start a child ${prefix}...`, async () => {
    found = (await childRuns(client, run)).find((c) => c.workflowId.startsWith(prefix));
    return found !== undefined;
  });
  return found!;
}

export async function eventually(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 30_000, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${detail ? `; last seen: ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
