import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// In a process of its own: the test runner's own allocations would blur the figures.
const child = `
import { loadMallocTrim } from ${JSON.stringify(fileURLToPath(new URL('./malloc-trim.ts', import.meta.url)))};
const trim = await loadMallocTrim();
if (!trim) { console.log(JSON.stringify({ available: false })); process.exit(0); }
const rss = () => process.memoryUsage().rss / 1048576;
// 120 MiB of 12 KiB blocks, then every other one freed: the holes sit below blocks still in use.
let blocks = Array.from({ length: 10_000 }, () => Buffer.alloc(12 * 1024, 1));
blocks = blocks.filter((_, i) => i % 2 === 0);
// V8 frees the backing stores of collected Buffers on a thread of its own, soon after a GC.
globalThis.gc();
await new Promise((r) => setTimeout(r, 500));
globalThis.gc();
await new Promise((r) => setTimeout(r, 500));
const before = rss();
trim();
console.log(JSON.stringify({ available: true, before, after: rss(), kept: blocks.length }));
`;

test('malloc_trim gives back memory freed below blocks still in use (glibc)', (t) => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', child], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { available: boolean; before: number; after: number };
  if (!out.available) {
    const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    assert.equal(glibc, undefined, `glibc ${glibc} is here, so malloc_trim should be too`);
    return t.skip('no glibc here');
  }
  // About 60 MiB sits in the holes; glibc keeps it resident until trimmed.
  assert.ok(out.before - out.after > 30, `RSS ${out.before.toFixed(0)} → ${out.after.toFixed(0)} MiB`);
});
