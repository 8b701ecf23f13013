// `npm run build`: compiles the worker and the API (and all they import) into dist/, which
// `npm run worker` and `npm run api` run with plain node: no tsx loader thread and no transpiled
// sources held in memory (measured idle: worker 212 → 164 MiB, API 148 → 108 MiB). Both commands
// build first; `tsc -b` returns in about a second when dist/ is current. Several processes
// started at once on one checkout take turns through a lock, so none loads a file that another
// is rewriting.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../platform/repo-root.ts';

const lock = path.join(repoRoot, '.tools', 'build.lock');
/** A build takes seconds; a lock older than this was left by a killed one. */
const STALE_MS = 120_000;

/** False where the checkout is read-only (an image built with `npm run build`): tsc -b then only checks. */
function acquire(): boolean {
  try {
    mkdirSync(path.dirname(lock), { recursive: true });
  } catch {
    return false;
  }
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return false;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

const locked = acquire();
try {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', path.join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  if (locked) rmSync(lock, { recursive: true, force: true });
}
