import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findRepoRoot, repoRoot } from './repo-root.ts';

test('the repo root is the nearest folder above with a package.json, from source or from dist/', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'repo-root-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(path.join(root, 'package.json'), '{}');
  mkdirSync(path.join(root, 'dist', 'platform'), { recursive: true });
  assert.equal(findRepoRoot(path.join(root, 'platform')), root);
  assert.equal(findRepoRoot(path.join(root, 'dist', 'platform')), root);
  assert.ok(existsSync(path.join(repoRoot, 'package-lock.json')), repoRoot);
});
