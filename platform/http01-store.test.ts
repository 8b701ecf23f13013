import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Http01Store } from './http01-store.ts';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'http01-store-test-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
const fresh = async () => {
  const dir = path.join(root, `r${n++}`);
  await fs.mkdir(dir);
  return new Http01Store(dir);
};

test('Http01Store: nothing presented yet', async () => {
  const s = await fresh();
  assert.deepEqual(await s.presentedTokens(), []);
  assert.equal(await s.get('tok'), undefined);
});

const flows: Array<[string, (s: Http01Store) => Promise<void>, Record<string, string | undefined>, string[]]> = [
  [
    'present then get',
    async (s) => {
      await s.present('tok-1', 'tok-1.thumb');
    },
    { 'tok-1': 'tok-1.thumb' },
    ['tok-1'],
  ],
  [
    'present twice overwrites',
    async (s) => {
      await s.present('t', 'a');
      await s.present('t', 'b');
    },
    { t: 'b' },
    ['t'],
  ],
  [
    'two tokens',
    async (s) => {
      await s.present('a_1', 'x');
      await s.present('B-2', 'y');
    },
    { a_1: 'x', 'B-2': 'y' },
    ['B-2', 'a_1'],
  ],
  [
    'cleanup removes one',
    async (s) => {
      await s.present('a', 'x');
      await s.present('b', 'y');
      await s.cleanup('a');
    },
    { a: undefined, b: 'y' },
    ['b'],
  ],
  [
    'cleanup of an absent token is fine',
    async (s) => {
      await s.cleanup('never');
    },
    { never: undefined },
    [],
  ],
];
for (const [name, run, gets, tokens] of flows) {
  test(`Http01Store: ${name}`, async () => {
    const s = await fresh();
    await run(s);
    for (const [token, expected] of Object.entries(gets)) assert.equal(await s.get(token), expected, token);
    assert.deepEqual((await s.presentedTokens()).sort(), tokens);
  });
}

const invalid = ['../x', 'a/b', '..', '', 'a.b', 'x'.repeat(257), 'tok en'];
for (const token of invalid) {
  test(`Http01Store: invalid token ${JSON.stringify(token.slice(0, 20))} is never read, written or removed`, async () => {
    const s = await fresh();
    await fs.mkdir(s.dir, { recursive: true });
    // a file the traversal would reach: <root>/x for "../x"
    const outside = path.join(path.dirname(s.dir), 'x');
    await fs.writeFile(outside, 'secret');
    assert.equal(await s.get(token), undefined);
    await assert.rejects(s.present(token, 'ka'), /invalid ACME token/);
    await assert.rejects(s.cleanup(token), /invalid ACME token/);
    assert.equal(await fs.readFile(outside, 'utf8'), 'secret');
    assert.deepEqual(await s.presentedTokens(), []);
  });
}

test('Http01Store: presentedTokens ignores temp and stray files', async () => {
  const s = await fresh();
  await s.present('good', 'ka');
  await fs.writeFile(path.join(s.dir, '.tmp-abc'), 'partial');
  await fs.writeFile(path.join(s.dir, 'not.a.token'), 'x');
  assert.deepEqual(await s.presentedTokens(), ['good']);
});
