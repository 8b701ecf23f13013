// Determinism guard: histories recorded by earlier test runs (npm run record-histories writes the
// top folder; older recordings are kept in dated subfolders, so runs started by earlier versions
// keep replaying) are replayed against the current workflow bundle. A change that would break running workflows
// (reordered commands, a removed timer) fails here; make it with isPatched() instead.
// rolling-upgrade/ holds runs started with a code level in their memo whose patches were
// recorded as markers, as a worker of the version before records them during a rolling upgrade.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../worker/bundle.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'histories');

test('recorded workflow histories replay against the current workflow code', async () => {
  const files = (await fs.readdir(dir, { recursive: true })).filter((f) => f.endsWith('.binpb')).sort();
  assert.ok(files.length >= 5, `expected recorded histories in ${dir}, found ${files.length}`);
  const histories = await Promise.all(
    files.map(async (f) => {
      const history = proto.temporal.api.history.v1.History.decode(await fs.readFile(path.join(dir, f)));
      return { workflowId: f, history };
    }),
  );
  const types = new Set(files.map((f) => path.basename(f).split('.')[1]));
  for (const t of ['issuerWorkflow', 'certificateWorkflow', 'certificateRequestWorkflow', 'orderWorkflow', 'challengeWorkflow']) {
    assert.ok(types.has(t), `a recorded ${t} history`);
  }
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(failures, []);
});
