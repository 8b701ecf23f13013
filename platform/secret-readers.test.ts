import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeReader, parseSecretReaders } from './secret-readers.ts';

const files: Record<string, string> = { '/t/web-1': 'tok-file\n', '/t/empty': '  \n' };
const readToken = (f: string) => {
  if (!(f in files)) throw new Error('ENOENT');
  return files[f]!;
};

test('a YAML file with a token file, names and a label selector', () => {
  const readers = parseSecretReaders(
    `
- name: web-1
  tokenFile: /t/web-1
  rules:
    - namespace: team-a
      names: [web-tls, api-tls]
    - namespace: team-b
      labelSelector: app=web
`,
    readToken,
  );
  assert.equal(readers.length, 1);
  assert.equal(readers[0]!.token, 'tok-file');
  assert.deepEqual(readers[0]!.rules[1]!.requirements, [{ key: 'app', op: 'in', values: ['web'], set: false }]);
  assert.equal(describeReader(readers[0]!), 'secret reader "web-1" (team-a/{web-tls,api-tls}; team-b/* with labels app=web)');
});

test('JSON works too; an empty file means no readers', () => {
  assert.equal(parseSecretReaders('[{"name":"a","token":"t","rules":[{"namespace":"ns"}]}]')[0]!.token, 't');
  assert.deepEqual(parseSecretReaders(''), []);
});

const bad: Array<[string, string, RegExp]> = [
  ['no token', '[{"name":"a","rules":[{"namespace":"ns"}]}]', /set token or tokenFile/],
  ['both token and file', '[{"name":"a","token":"t","tokenFile":"/t/web-1","rules":[{"namespace":"ns"}]}]', /set token or tokenFile/],
  ['no rules', '[{"name":"a","token":"t","rules":[]}]', /\[0\]\.rules/],
  ['bad namespace', '[{"name":"a","token":"t","rules":[{"namespace":"Team_A"}]}]', /\[0\]\.rules\[0\]\.namespace/],
  ['bad name in names', '[{"name":"a","token":"t","rules":[{"namespace":"ns","names":["a/b"]}]}]', /\[0\]\.rules\[0\]\.names\[0\]/],
  ['bad selector', '[{"name":"a","token":"t","rules":[{"namespace":"ns","labelSelector":"a in (b"}]}]', /\[0\]\.rules\[0\]\.labelSelector/],
  ['unknown field', '[{"name":"a","token":"t","rules":[{"namespace":"ns","verbs":["get"]}]}]', /verbs/],
  ['missing token file', '[{"name":"a","tokenFile":"/t/nope","rules":[{"namespace":"ns"}]}]', /\[0\]\.tokenFile: cannot read \/t\/nope/],
  ['empty token file', '[{"name":"a","tokenFile":"/t/empty","rules":[{"namespace":"ns"}]}]', /\[0\]\.tokenFile: \/t\/empty is empty/],
  ['token with a space', '[{"name":"a","token":"t t","rules":[{"namespace":"ns"}]}]', /\[0\]\.token: .*whitespace/],
  ['same name twice', '[{"name":"a","token":"t1","rules":[{"namespace":"ns"}]},{"name":"a","token":"t2","rules":[{"namespace":"ns"}]}]', /\[1\]\.name: "a" is used twice/],
  ['same token twice', '[{"name":"a","token":"t","rules":[{"namespace":"ns"}]},{"name":"b","token":"t","rules":[{"namespace":"ns"}]}]', /\[1\]\.token: the same token/],
  ['not a list', '{"name":"a"}', /top level/],
  ['not YAML', '[{', /not YAML or JSON/],
];
for (const [what, text, message] of bad) test(`refused: ${what}`, () => assert.throws(() => parseSecretReaders(text, readToken), message));
