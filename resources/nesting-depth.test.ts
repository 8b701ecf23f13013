import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonDepth, yamlDepth } from './nesting-depth.ts';

const json: [string, number][] = [
  ['{}', 1],
  ['[]', 1],
  ['1', 0],
  ['{"a":{"b":[1,2,{"c":3}]}}', 4],
  ['{"a":"[[[[{{{{"}', 1],
  ['{"a":"\\"[[[["}', 1],
  ['[[],[],[[]]]', 3],
  ['{"a":"\\\\","b":[[1]]}', 3],
];
for (const [text, depth] of json) test(`jsonDepth(${text}) = ${depth}`, () => assert.equal(jsonDepth(text), depth));

const yaml: [string, string, number][] = [
  ['flat map', 'a: 1\nb: 2\n', 1],
  ['nested map', 'a:\n  b:\n    c: 1\n', 3],
  ['map back out', 'a:\n  b:\n    c: 1\nd: 2\n', 3],
  ['sequence of maps', 'items:\n- name: a\n  spec: {x: [1]}\n', 4],
  ['compact sequences', '- - - x\n', 3],
  ['flow', 'a: [[1, {b: 2}]]\n', 4],
  ['brackets in quotes', 'a: "[[[["\nb: \'{{{\'\n', 1],
  ['comment', 'a: 1 # [[[[\n', 1],
  ['multi-line flow', 'a: [\n  [1,\n   2],\n  3]\nb: 1\n', 3],
  ['block scalar with dashes and brackets', 'a: |\n  - - - - [[[[\n  {{{{\nb: 1\n', 1],
  ['documents', 'a:\n  b: 1\n---\nc: 1\n', 2],
];
for (const [name, text, depth] of yaml)
  test(`yamlDepth: ${name} = ${depth}`, () => assert.ok(yamlDepth(text) >= depth && yamlDepth(text) <= depth + 1, `${yamlDepth(text)} vs ${depth}`));

test('deep input is measured fast and the scan stops at the limit', () => {
  for (const text of ['['.repeat(500_000), `${'- '.repeat(500_000)}x`, '{"a":'.repeat(200_000)]) {
    const t = performance.now();
    assert.ok(yamlDepth(text, 64) > 64);
    assert.ok(jsonDepth(text, 64) > 64 || text.startsWith('-'));
    assert.ok(performance.now() - t < 200);
  }
  const indented = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
  assert.ok(yamlDepth(indented, 64) > 64);
});

test('a realistic manifest is shallow', () => {
  const issuer = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: x
  annotations: {a: "b"}
spec:
  acme:
    solvers:
    - selector:
        dnsNames: [a.example.com]
      http01:
        ingress:
          podTemplate:
            spec:
              tolerations:
              - key: "x"
                operator: Exists
`;
  assert.ok(yamlDepth(issuer) < 16);
});
