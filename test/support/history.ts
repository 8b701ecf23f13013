// Every workflow history in the namespace, as text: payloads decoded so a test can search them.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { grpcCode } from '../../platform/grpc-code.ts';

const NOT_FOUND = 5;

/** Every run in the namespace with its full history; a run deleted between list and fetch (a pruned request) is skipped. */
async function* histories(client: Client) {
  for await (const wf of client.workflow.list()) {
    const history = await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .fetchHistory()
      .catch((err: unknown) => {
        if (grpcCode(err) === NOT_FOUND || (err as Error).name === 'WorkflowNotFoundError') return undefined;
        throw err;
      });
    if (history) yield { wf, history };
  }
}

export async function allHistoriesText(client: Client): Promise<{ count: number; text: string }> {
  const parts: string[] = [];
  let count = 0;
  for await (const { history } of histories(client)) {
    count++;
    collect(history, parts);
  }
  return { count, text: parts.join('\n') };
}

// A plain walk, not JSON.stringify: protobuf messages' toJSON would turn payload bytes into
// base64 and hide what they say.
function collect(value: unknown, out: string[], depth = 0): void {
  if (value === null || value === undefined || depth > 64) return;
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value).toString('utf8'));
  } else if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

/** The base64 body lines of a PEM block: what would show up if the key leaked in any encoding of it. */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .filter((l) => l.length >= 40);
}

/**
 * With RECORD_HISTORIES=1, keep the longest history of each workflow type as a replay fixture
 * (test/fixtures/histories), so later workflow changes are replayed against real past runs.
 */
export async function recordHistoryFixtures(client: Client, label: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const History = proto.temporal.api.history.v1.History;
  const longest = new Map<string, { id: string; events: number; bytes: Uint8Array }>();
  for await (const { wf, history } of histories(client)) {
    const events = history.events?.length ?? 0;
    const prev = longest.get(wf.type);
    if (!prev || events > prev.events) longest.set(wf.type, { id: wf.workflowId, events, bytes: History.encode(History.fromObject(history)).finish() });
  }
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');
  await fs.mkdir(dir, { recursive: true });
  for (const [type, h] of longest) {
    // Binary protobuf: exactly what the server sent, no JSON round trip to get wrong.
    await fs.writeFile(path.join(dir, `${label}.${type}.${h.id.replaceAll('/', '_')}.binpb`), h.bytes);
  }
}

/**
 * Workflow tasks that wrote the memo, or search attributes, more than once: `type/id: what`. The
 * upserts core adds for a patch marker (TemporalChangeVersion alone) are not the code's and not counted.
 */
export async function repeatedUpsertsInOneTask(client: Client): Promise<string[]> {
  const E = proto.temporal.api.enums.v1.EventType;
  const found: string[] = [];
  for await (const { wf, history } of histories(client)) {
    let memo = 0;
    let attributes = 0;
    for (const e of history.events ?? []) {
      if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) memo = attributes = 0;
      if (e.eventType === E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED && ++memo === 2) found.push(`${wf.type} ${wf.workflowId}: memo written twice in task ${e.eventId}`);
      const keys = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
      if (keys.some((k) => k !== 'TemporalChangeVersion') && ++attributes === 2) found.push(`${wf.type} ${wf.workflowId}: search attributes written twice in task ${e.eventId}`);
    }
  }
  return found;
}

/** Names of the signals every run of `workflowId` received, oldest first. */
export async function signalsReceived(client: Client, workflowId: string): Promise<string[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: wf.runId, start: wf.startTime.getTime() });
  const names: string[] = [];
  for (const { runId } of runs.sort((a, b) => a.start - b.start)) {
    const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const e of events ?? []) {
      if (e.eventType === proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) names.push(e.workflowExecutionSignaledEventAttributes?.signalName ?? '?');
    }
  }
  return names;
}
