import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestFormat } from './content-type.ts';

const cases: [string | undefined, string | undefined][] = [
  ['application/yaml', 'yaml'],
  ['application/x-yaml', 'yaml'],
  ['text/yaml', 'yaml'],
  ['text/x-yaml', 'yaml'],
  ['Application/YAML; charset=utf-8', 'yaml'],
  ['application/json', 'json'],
  ['application/json; charset=utf-8', 'json'],
  ['application/merge-patch+json', 'json'],
  ['application/vnd.kubernetes+json', 'json'],
  ['text/plain', undefined],
  ['text/plain; charset=utf-8', undefined],
  ['application/x-www-form-urlencoded', undefined],
  ['multipart/form-data; boundary=x', undefined],
  ['text/json', undefined],
  ['application/jsonx', undefined],
  ['application/yaml-evil', undefined],
  ['', undefined],
  [undefined, undefined],
  ['json', undefined],
];
for (const [contentType, expected] of cases) {
  test(`manifestFormat(${JSON.stringify(contentType)}) = ${expected}`, () => assert.equal(manifestFormat(contentType), expected));
}
