import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admit,
  dropClosed,
  enqueue,
  gatedIssuerLabel,
  grantAtOnce,
  release,
  slotAnswer,
  waitingMessage,
  type OrderGateState,
  type SlotAnswer,
  type SlotHolder,
} from './order-gate.ts';

const run = (n: number, runId = `r${n}`): SlotHolder => ({ workflowId: `order/ns/o${n}`, runId });
const state = (limit: number, holders: number[], queue: number[]): OrderGateState => ({ limit, holders: holders.map((n) => run(n)), queue: queue.map((n) => run(n)) });
const ids = (s: OrderGateState) => ({ limit: s.limit, holders: s.holders.map((h) => h.workflowId.slice(9)), queue: s.queue.map((h) => h.workflowId.slice(9)) });

test('admit grants free slots to the head of the queue, in arrival order, never above the limit', () => {
  const cases: Array<[string, OrderGateState, string[], ReturnType<typeof ids>]> = [
    ['all fit', state(3, [], [1, 2]), ['o1', 'o2'], { limit: 3, holders: ['o1', 'o2'], queue: [] }],
    ['first come first served', state(2, [1], [2, 3, 4]), ['o2'], { limit: 2, holders: ['o1', 'o2'], queue: ['o3', 'o4'] }],
    ['full: nothing granted', state(2, [1, 2], [3]), [], { limit: 2, holders: ['o1', 'o2'], queue: ['o3'] }],
    ['limit lowered below the holders: nothing granted, nobody evicted', state(1, [1, 2], [3]), [], { limit: 1, holders: ['o1', 'o2'], queue: ['o3'] }],
    ['nothing queued', state(5, [1], []), [], { limit: 5, holders: ['o1'], queue: [] }],
  ];
  for (const [name, input, granted, after] of cases) {
    const out = admit(input);
    assert.deepEqual(
      out.granted.map((g) => g.workflowId.slice(9)),
      granted,
      name,
    );
    assert.deepEqual(ids(out.state), after, name);
  }
});

test('enqueue adds a run once and takes the newest limit', () => {
  const cases: Array<[string, OrderGateState, SlotHolder & { limit: number }, ReturnType<typeof ids>]> = [
    ['new run joins the tail', state(2, [1], [2]), { ...run(3), limit: 2 }, { limit: 2, holders: ['o1'], queue: ['o2', 'o3'] }],
    ['a retried request of a queued run is a no-op', state(2, [1], [2]), { ...run(2), limit: 2 }, { limit: 2, holders: ['o1'], queue: ['o2'] }],
    ['a retried request of a holder is a no-op', state(2, [1], []), { ...run(1), limit: 2 }, { limit: 2, holders: ['o1'], queue: [] }],
    ['the request carries a new limit', state(2, [1], []), { ...run(2), limit: 5 }, { limit: 5, holders: ['o1'], queue: ['o2'] }],
    ['a limit below 1 means 1', state(2, [], []), { ...run(1), limit: 0 }, { limit: 1, holders: [], queue: ['o1'] }],
  ];
  for (const [name, input, request, after] of cases) assert.deepEqual(ids(enqueue(input, request)), after, name);
  // Another run of the same workflow ID is another request.
  const rerun = enqueue(state(2, [1], []), { ...run(1, 'second'), limit: 2 });
  assert.deepEqual(rerun.queue, [run(1, 'second')]);
});

test('grantAtOnce grants in the answer only a holder or a run with a free slot and nobody ahead', () => {
  const cases: Array<[string, OrderGateState, SlotHolder & { limit: number }, boolean, ReturnType<typeof ids>]> = [
    ['free slot, empty queue: granted', state(2, [1], []), { ...run(2), limit: 2 }, true, { limit: 2, holders: ['o1', 'o2'], queue: [] }],
    ['full: queued', state(1, [1], []), { ...run(2), limit: 1 }, false, { limit: 1, holders: ['o1'], queue: ['o2'] }],
    ['a holder asking again: granted, nothing changes', state(1, [1], [2]), { ...run(1), limit: 1 }, true, { limit: 1, holders: ['o1'], queue: ['o2'] }],
    ['already queued, still full: queued once', state(1, [1], [2]), { ...run(2), limit: 1 }, false, { limit: 1, holders: ['o1'], queue: ['o2'] }],
    // Others queued first go first: the loop grants them and this run together, in order.
    ['free slots but others queued ahead: queued', state(3, [1], [2]), { ...run(3), limit: 3 }, false, { limit: 3, holders: ['o1'], queue: ['o2', 'o3'] }],
    ['a raised limit frees a slot: granted', state(1, [1], []), { ...run(2), limit: 2 }, true, { limit: 2, holders: ['o1', 'o2'], queue: [] }],
  ];
  for (const [name, input, request, granted, after] of cases) {
    const out = grantAtOnce(input, request);
    assert.equal(out.granted, granted, name);
    assert.deepEqual(ids(out.state), after, name);
  }
});

test('slotAnswer tells a queued run its place only when it asked to hear it in the answer', () => {
  const cases: Array<[string, OrderGateState, boolean | undefined, boolean, SlotAnswer]> = [
    ['granted: just the grant', state(2, [1, 2], []), true, true, { granted: true }],
    ['queued, asked: how busy the issuer is', state(2, [1, 2], [3]), true, false, { granted: false, queued: { inUse: 2, limit: 2 } }],
    // Orders of the version before hear it from the gate's orderSlotQueued signal instead.
    ['queued, not asked: no place in the answer', state(2, [1, 2], [3]), undefined, false, { granted: false }],
    ['queued behind a lowered limit: the holders still counted', state(1, [1, 2], [3]), true, false, { granted: false, queued: { inUse: 2, limit: 1 } }],
  ];
  for (const [name, s, queuedInAnswer, granted, answer] of cases) assert.deepEqual(slotAnswer(s, { ...run(3), limit: s.limit, queuedInAnswer }, granted), answer, name);
});

test('release frees a holder or a queue place of exactly that run; unknown runs change nothing', () => {
  const cases: Array<[string, OrderGateState, SlotHolder, ReturnType<typeof ids>]> = [
    ['holder', state(2, [1, 2], [3]), run(1), { limit: 2, holders: ['o2'], queue: ['o3'] }],
    ['cancelled while queued', state(2, [1, 2], [3, 4]), run(3), { limit: 2, holders: ['o1', 'o2'], queue: ['o4'] }],
    ['unknown run', state(2, [1], [2]), run(9), { limit: 2, holders: ['o1'], queue: ['o2'] }],
    ['same workflow ID, other run: not the holder', state(2, [1], []), run(1, 'other'), { limit: 2, holders: ['o1'], queue: [] }],
  ];
  for (const [name, input, r, after] of cases) assert.deepEqual(ids(release(input, r)), after, name);
});

test('dropClosed frees every closed holder and queue place, so a leaked slot is granted again', () => {
  const cases: Array<[string, OrderGateState, SlotHolder[], ReturnType<typeof ids>, string[]]> = [
    ['a terminated holder frees its slot for the next in line', state(2, [1, 2], [3, 4]), [run(1)], { limit: 2, holders: ['o2', 'o3'], queue: ['o4'] }, ['o3']],
    ['closed holders and a closed waiter', state(2, [1, 2], [3, 4, 5]), [run(1), run(2), run(3)], { limit: 2, holders: ['o4', 'o5'], queue: [] }, ['o4', 'o5']],
    ['nothing closed', state(1, [1], [2]), [], { limit: 1, holders: ['o1'], queue: ['o2'] }, []],
  ];
  for (const [name, input, closed, after, granted] of cases) {
    const out = admit(dropClosed(input, closed));
    assert.deepEqual(ids(out.state), after, name);
    assert.deepEqual(
      out.granted.map((g) => g.workflowId.slice(9)),
      granted,
      name,
    );
  }
});

test('the waiting message names the issuer and how busy it is', () => {
  assert.equal(waitingMessage(gatedIssuerLabel({ kind: 'Issuer', namespace: 'team-a', name: 'le' }), 2, 2), 'Waiting for a free order slot of Issuer team-a/le: 2 of 2 in use');
  assert.equal(gatedIssuerLabel({ kind: 'ClusterIssuer', namespace: 'team-a', name: 'le' }), 'ClusterIssuer le');
});
