// The checkout's root (the folder holding package.json), whether this code runs from its
// TypeScript source (tsx) or compiled into dist/ (`npm run build`, which `npm run worker` and
// `npm run api` use): tools, caches and the lock file live there, never inside dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
