import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeatWhile } from './heartbeat-while.ts';

async function heartbeatsDuring(workMs: number, isLocal = false): Promise<number> {
  const env = new MockActivityEnvironment({ isLocal });
  let beats = 0;
  env.on('heartbeat', () => beats++);
  const result = await env.run(() => heartbeatWhile(() => sleep(workMs, 'done'), 50));
  assert.equal(result, 'done');
  await sleep(120); // a heartbeat after the work ended would land here
  return beats;
}

const cases: { name: string; workMs: number; isLocal?: boolean; expect: (beats: number) => boolean }[] = [
  { name: 'work shorter than the interval sends no heartbeat (no server call)', workMs: 10, expect: (b) => b === 0 },
  { name: 'long work heartbeats on the interval, and stops when it ends', workMs: 280, expect: (b) => b >= 3 && b <= 6 },
  { name: 'a local activity never heartbeats', workMs: 280, isLocal: true, expect: (b) => b === 0 },
];
for (const c of cases) {
  test(`heartbeatWhile: ${c.name}`, async () => {
    const beats = await heartbeatsDuring(c.workMs, c.isLocal);
    assert.ok(c.expect(beats), `${beats} heartbeats`);
  });
}

test('heartbeatWhile: outside an activity it just runs the work, and passes its failure on', async () => {
  assert.equal(await heartbeatWhile(async () => 7, 10), 7);
  await assert.rejects(
    heartbeatWhile(() => Promise.reject(new Error('boom')), 10),
    /boom/,
  );
});
