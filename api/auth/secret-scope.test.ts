import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSecretReaders } from '../../platform/secret-readers.ts';
import { itemRefusal, listRefusal, visibleTo, type SecretViewer } from './secret-scope.ts';

const [reader] = parseSecretReaders(`
- name: web-1
  token: t
  rules:
    - namespace: team-a
      names: [web-tls, api-tls]
    - namespace: team-b
      labelSelector: app=web
`);
const scoped: SecretViewer = { all: false, reader: reader! };
const all: SecretViewer = { all: true };

const lists: Array<[string, SecretViewer, string | undefined, number | undefined]> = [
  ['full reader, one namespace', all, 'team-z', undefined],
  ['full reader, all namespaces', all, undefined, undefined],
  ['scoped, a namespace of its rules', scoped, 'team-a', undefined],
  ['scoped, all namespaces (filtered)', scoped, undefined, undefined],
  ['scoped, another namespace', scoped, 'team-z', 403],
];
for (const [what, viewer, ns, code] of lists) test(`list: ${what}`, () => assert.equal(listRefusal(viewer, ns)?.code, code));

const items: Array<[string, string, string, { labels?: Record<string, string> } | undefined, number | undefined]> = [
  ['named Secret, before reading', 'team-a', 'web-tls', undefined, undefined],
  ['named Secret, read', 'team-a', 'web-tls', { labels: undefined }, undefined],
  ['unnamed Secret in a names rule', 'team-a', 'db-tls', undefined, 403],
  ['namespace without a rule', 'team-z', 'web-tls', undefined, 403],
  ['label rule, before reading', 'team-b', 'anything', undefined, undefined],
  ['label rule, labels match', 'team-b', 'anything', { labels: { app: 'web', x: 'y' } }, undefined],
  ['label rule, labels differ', 'team-b', 'anything', { labels: { app: 'db' } }, 403],
  ['label rule, no labels', 'team-b', 'anything', { labels: undefined }, 403],
];
for (const [what, ns, name, read, code] of items) {
  test(`item: ${what}`, () => {
    assert.equal(itemRefusal(scoped, ns, name, read)?.code, code);
    assert.equal(itemRefusal(all, ns, name, read), undefined);
  });
}

test('a refusal names the reader and its scope', () => {
  assert.match(
    itemRefusal(scoped, 'team-a', 'db-tls')?.message ?? '',
    /secret reader "web-1" \(team-a\/\{web-tls,api-tls\}; team-b\/\* with labels app=web\) may not read Secret team-a\/db-tls/,
  );
});

const visible: Array<[string, string, Record<string, string> | undefined, boolean]> = [
  ['team-a', 'web-tls', undefined, true],
  ['team-a', 'other', undefined, false],
  ['team-b', 'x', { app: 'web' }, true],
  ['team-b', 'x', {}, false],
  ['team-c', 'web-tls', undefined, false],
];
for (const [ns, name, labels, expected] of visible)
  test(`visibleTo ${ns}/${name} ${JSON.stringify(labels)} = ${expected}`, () => assert.equal(visibleTo(scoped, ns, name, labels), expected));
