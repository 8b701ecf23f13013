import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionIs, isoSeconds, removeCondition, setCondition } from './conditions.ts';
import type { Condition, ConditionStatus } from './types.ts';

const t0 = '2026-01-01T00:00:00Z';
const now = new Date('2026-01-02T03:04:05.678Z');
const existing: Condition[] = [
  { type: 'Ready', status: 'True', reason: 'Ready', message: 'ok', lastTransitionTime: t0 },
  { type: 'Issuing', status: 'False', reason: 'Failed', message: 'boom', lastTransitionTime: t0 },
];

const cases: Array<[string, { type: string; status: ConditionStatus; reason: string; message: string }, Condition[]]> = [
  [
    'same status keeps lastTransitionTime but updates reason and message',
    { type: 'Ready', status: 'True', reason: 'StillReady', message: 'still ok' },
    [{ type: 'Ready', status: 'True', reason: 'StillReady', message: 'still ok', lastTransitionTime: t0 }, existing[1]!],
  ],
  [
    'flipped status moves lastTransitionTime to now (seconds)',
    { type: 'Ready', status: 'False', reason: 'Expired', message: 'gone' },
    [{ type: 'Ready', status: 'False', reason: 'Expired', message: 'gone', lastTransitionTime: '2026-01-02T03:04:05Z' }, existing[1]!],
  ],
  [
    'flip to Unknown also moves lastTransitionTime',
    { type: 'Issuing', status: 'Unknown', reason: 'Pending', message: '?' },
    [existing[0]!, { type: 'Issuing', status: 'Unknown', reason: 'Pending', message: '?', lastTransitionTime: '2026-01-02T03:04:05Z' }],
  ],
  [
    'a new type is appended at the end',
    { type: 'Renewing', status: 'True', reason: 'Due', message: 'renew' },
    [...existing, { type: 'Renewing', status: 'True', reason: 'Due', message: 'renew', lastTransitionTime: '2026-01-02T03:04:05Z' }],
  ],
];

for (const [name, next, expected] of cases) {
  test(`setCondition: ${name}`, () => {
    const before = structuredClone(existing);
    assert.deepEqual(setCondition(existing, next, now), expected);
    assert.deepEqual(existing, before, 'input array is not mutated');
  });
}

test('setCondition: observedGeneration is recorded', () => {
  const out = setCondition([], { type: 'Ready', status: 'True', reason: 'Ready', message: '', observedGeneration: 3 }, now);
  assert.equal(out[0]!.observedGeneration, 3);
});

test('removeCondition drops only the named type', () => {
  assert.deepEqual(removeCondition(existing, 'Issuing'), [existing[0]]);
  assert.deepEqual(removeCondition(existing, 'Nope'), existing);
});

const isCases: Array<[Condition[] | undefined, string, ConditionStatus, boolean]> = [
  [existing, 'Ready', 'True', true],
  [existing, 'Ready', 'False', false],
  [existing, 'Missing', 'True', false],
  [undefined, 'Ready', 'True', false],
];
for (const [conds, type, status, expected] of isCases) {
  test(`conditionIs(${conds ? 'conditions' : 'undefined'}, ${type}, ${status}) = ${expected}`, () => {
    assert.equal(conditionIs(conds, type, status), expected);
  });
}

const isoCases: Array<[string, string]> = [
  ['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05Z'],
  ['2026-01-02T03:04:05.999Z', '2026-01-02T03:04:05Z'],
  ['2026-12-31T23:59:59.001Z', '2026-12-31T23:59:59Z'],
];
for (const [input, expected] of isoCases) {
  test(`isoSeconds(${input}) = ${expected}`, () => {
    assert.equal(isoSeconds(new Date(input)), expected);
    assert.match(isoSeconds(new Date(input)), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
}
