// The Reloader with real /bin/sh commands: a burst makes one run, a slow command is killed.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../platform/logger.ts';
import { Reloader, runCommand } from './reload.ts';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a burst of changes makes one reload; a change during a run makes exactly one more', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reload-'));
  const count = path.join(dir, 'count');
  const reloader = new Reloader({ command: `echo x >> ${count}; sleep 0.3`, timeoutMs: 5_000, delayMs: 100, log });
  for (const s of ['a/1', 'a/2', 'a/1']) reloader.request(s);
  await sleep(200); // the run has started
  reloader.request('a/3');
  reloader.request('a/4');
  await sleep(900);
  await reloader.close();
  assert.equal((await fs.readFile(count, 'utf8')).trim().split('\n').length, 2);
  await fs.rm(dir, { recursive: true });
});

const runs: Array<[string, string, number, { code: number | null; timedOut: boolean; stderr: RegExp }]> = [
  ['success', 'true', 5_000, { code: 0, timedOut: false, stderr: /^$/ }],
  ['failure with stderr', 'echo "nginx: [emerg] bad" >&2; exit 1', 5_000, { code: 1, timedOut: false, stderr: /\[emerg\] bad/ }],
  ['too slow', 'sleep 5', 200, { code: null, timedOut: true, stderr: /^$/ }],
];
for (const [what, command, timeoutMs, expected] of runs) {
  test(`runCommand: ${what}`, async () => {
    const r = await runCommand(command, timeoutMs);
    assert.equal(r.code, expected.code);
    assert.equal(r.timedOut, expected.timedOut);
    assert.match(r.stderr, expected.stderr);
    if (expected.timedOut) assert.ok(r.ms < 2_000, `killed promptly (${r.ms} ms)`);
  });
}
