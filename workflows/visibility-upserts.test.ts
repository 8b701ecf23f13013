import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceUpserts, withoutWriteNow, type PendingUpserts } from './visibility-upserts.ts';

type Command = Parameters<typeof coalesceUpserts>[0][number];
const payload = (v: string) => ({ data: new TextEncoder().encode(v) });
const memo = (fields: Record<string, string>): Command => ({
  modifyWorkflowProperties: { upsertedMemo: { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, payload(v)])) } },
});
const attrs = (fields: Record<string, string>): Command => ({
  upsertWorkflowSearchAttributes: { searchAttributes: { indexedFields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, payload(v)])) } },
});
const la = (seq: number): Command => ({ scheduleLocalActivity: { seq, activityType: 'x' } });
const timer: Command = { startTimer: { seq: 1 } };
const complete: Command = { completeWorkflowExecution: {} };
const continueAsNew: Command = { continueAsNewWorkflowExecution: { workflowType: 'w' } };
const query: Command = { respondToQuery: { queryId: 'q' } };

// Each command as a short word, the upserts with their fields, so a table row reads as a history.
function describe(c: Command): string {
  const text = (f: Record<string, { data?: Uint8Array | null }> | null | undefined) =>
    Object.entries(f ?? {})
      .map(([k, v]) => `${k}=${new TextDecoder().decode(v.data ?? new Uint8Array())}`)
      .join(',');
  if (c.modifyWorkflowProperties) return `memo(${text(c.modifyWorkflowProperties.upsertedMemo?.fields)})`;
  if (c.upsertWorkflowSearchAttributes) return `attrs(${text(c.upsertWorkflowSearchAttributes.searchAttributes?.indexedFields)})`;
  return Object.keys(c).find((k) => k !== 'eventGroupMarkers') ?? '?';
}

// Each row: activations of one run in order, each with its commands and whether a local activity
// is still running at its end; then what each activation sends.
const cases: Array<[string, Array<[Command[], boolean]>, string[][]]> = [
  ['an activation that ends the task sends its upserts as they are, one of each', [[[memo({ o: '1' }), timer], false]], [['startTimer', 'memo(o=1)']]],
  ['two writes in one activation become one, the later value winning', [[[memo({ o: '1' }), memo({ o: '2', c: 'x' }), timer], false]], [['startTimer', 'memo(o=2,c=x)']]],
  [
    'writes between local activities wait for the activation that ends the task',
    [
      [[memo({ o: 'pending' }), la(1)], true],
      [[memo({ o: 'finalizing' }), la(2)], true],
      [[memo({ o: 'valid' }), attrs({ r: 'True' }), timer], false],
    ],
    [['scheduleLocalActivity'], ['scheduleLocalActivity'], ['startTimer', 'memo(o=valid)', 'attrs(r=True)']],
  ],
  [
    'an activation that leaves nothing running sends what waited, even with no upsert of its own',
    [
      [[memo({ o: '1' }), la(1)], true],
      [[], false],
    ],
    [['scheduleLocalActivity'], ['memo(o=1)']],
  ],
  [
    'the end of the run takes the upserts before it, even with a local activity left running',
    [
      [[memo({ o: '1' }), la(1)], true],
      [[memo({ o: '2' }), complete], true],
    ],
    [['scheduleLocalActivity'], ['memo(o=2)', 'completeWorkflowExecution']],
  ],
  ['continue-as-new too', [[[attrs({ r: 'True' }), continueAsNew], false]], [['attrs(r=True)', 'continueAsNewWorkflowExecution']]],
  [
    "a query's answer is left alone and sends nothing that waits",
    [
      [[memo({ o: '1' }), la(1)], true],
      [[query], false],
      [[timer], false],
    ],
    [['scheduleLocalActivity'], ['respondToQuery'], ['startTimer', 'memo(o=1)']],
  ],
  [
    'a request to write now sends what waited with its activation, and is not sent itself',
    [
      [[memo({ o: 'waiting' }), la(1)], true],
      [[memo({ o: 'granted' }), memo({}), la(2)], true],
      [[memo({ o: 'created' })], false],
    ],
    [['scheduleLocalActivity'], ['scheduleLocalActivity', 'memo(o=granted)'], ['memo(o=created)']],
  ],
  [
    'fields of separate writes are merged',
    [
      [[memo({ a: '1' }), la(1)], true],
      [[memo({ b: '2' })], false],
    ],
    [['scheduleLocalActivity'], ['memo(a=1,b=2)']],
  ],
];

for (const [name, activations, expected] of cases) {
  test(`coalesceUpserts: ${name}`, () => {
    const pending: PendingUpserts = {};
    const sent = activations.map(([commands, running]) => coalesceUpserts(commands, pending, running).map(describe));
    assert.deepEqual(sent, expected);
    assert.deepEqual(pending, {}, 'nothing left waiting once a task ended');
  });
}

test('withoutWriteNow: a run that writes each upsert as made sends them all, but no request to write now', () => {
  assert.deepEqual(withoutWriteNow([memo({ o: '1' }), memo({}), la(1), memo({ o: '2' })]).map(describe), ['memo(o=1)', 'scheduleLocalActivity', 'memo(o=2)']);
});
