import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bulkhead, shouldShed } from './acme-bulkhead.ts';

test('shouldShed: only enough calls pending past the stuck threshold shed new ones', () => {
  const limits = { stuckAfterMs: 2000, maxStuck: 3 };
  const now = 10_000;
  const table: [string, number[], boolean][] = [
    ['nothing pending', [], false],
    ['many fast calls in flight', Array.from({ length: 50 }, (_, i) => now - (i % 1999)), false],
    ['two stuck', [now - 5000, now - 3000, now - 10], false],
    ['three stuck', [now - 5000, now - 3000, now - 2000], true],
    ['three stuck among fast ones', [now - 1, now - 9000, now - 2, now - 8000, now - 7000], true],
    ['just under the threshold', [now - 1999, now - 1999, now - 1999], false],
  ];
  for (const [name, starts, want] of table) assert.equal(shouldShed(starts, now, limits), want, name);
});

test('Bulkhead: per origin, released calls no longer count', () => {
  const b = new Bulkhead({ stuckAfterMs: 1000, maxStuck: 2 });
  const r1 = b.enter('https://dead.example', 0);
  const r2 = b.enter('https://dead.example', 0);
  assert.ok(r1 && r2);
  assert.equal(b.enter('https://dead.example', 999) !== undefined, true, 'not stuck yet');
  assert.equal(b.enter('https://dead.example', 1000), undefined, 'two stuck: shed');
  assert.ok(b.enter('https://healthy.example', 1000), 'another server is not affected');
  r1();
  assert.equal(b.stuck('https://dead.example', 1000), 1);
  assert.ok(b.enter('https://dead.example', 1000), 'one stuck left: allowed again');
});
