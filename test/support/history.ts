// Every workflow history in the namespace, as text: payloads decoded so a test can search them.
import type { Client } from '@temporalio/client';

export async function allHistoriesText(client: Client): Promise<{ count: number; text: string }> {
  const parts: string[] = [];
  let count = 0;
  for await (const wf of client.workflow.list()) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
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
