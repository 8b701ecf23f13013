// The workflow bundle, built once per source version and cached on disk: webpack takes seconds,
// and worker starts (and tests) should not pay that every time. The cache sits beside the code,
// never in the working directory or DATA_DIR; where it cannot be written the bundle stays in memory.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { repoRoot } from '../platform/repo-root.ts';

// From source (tsx) the workflows are .ts beside this folder; from `npm run build` they are .js in dist/.
const self = fileURLToPath(import.meta.url);
const ext = path.extname(self);
const sourceRoot = path.resolve(path.dirname(self), '..');
export const workflowsPath = path.join(sourceRoot, 'workflows', `index${ext}`);
const interceptorsPath = path.join(sourceRoot, 'workflows', `interceptors${ext}`);
const SOURCE_DIRS = ['workflows', 'resources', 'platform'];

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of SOURCE_DIRS) {
    const files = (await fs.readdir(path.join(sourceRoot, dir), { recursive: true })).filter((f) => f.endsWith(ext)).sort();
    for (const f of files) hash.update(f).update(await fs.readFile(path.join(sourceRoot, dir, f)));
  }
  hash.update(JSON.stringify(await fs.readFile(path.join(repoRoot, 'package-lock.json'), 'utf8').catch(() => '')));
  // This file too: how the bundle is built (its options) is part of what it is.
  hash.update(await fs.readFile(self));
  return hash.digest('hex').slice(0, 16);
}

// Source and dist/ each keep their own: tests run the source while `npm run worker` runs dist/, and
// neither should delete the other's bundle (or rebuild it) on every switch.
const defaultCacheDir = path.join(repoRoot, '.tools', 'bundles', ext === '.ts' ? 'source' : 'dist');

export async function workflowBundle(cacheDir = defaultCacheDir): Promise<{ codePath: string } | { code: string }> {
  const codePath = path.join(cacheDir, `workflows-${await sourceHash()}.js`);
  const cached = await fs.stat(codePath).then(
    () => true,
    () => false,
  );
  if (cached) return { codePath };
  // Preloaded modules are evaluated once and shared (frozen) by every workflow in the worker's V8
  // context, instead of once per workflow and kept in each cached one. Safe because our workflow
  // modules keep no state at module level (per-run state lives in each workflow function's scope).
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [interceptorsPath],
    logger: quietLogger,
    preloadModules: ['@temporalio/workflow', workflowsPath, interceptorsPath],
  });
  try {
    await fs.mkdir(cacheDir, { recursive: true });
    const tmp = `${codePath}.${process.pid}.tmp`;
    await fs.writeFile(tmp, code);
    await fs.rename(tmp, codePath);
  } catch {
    // A read-only install (container image, another user's checkout): the cache only saves
    // the next start a few seconds, so run from memory rather than refuse to start.
    return { code };
  }
  // Bundles of older sources are dead weight; another process may still be reading one, and
  // unlinking leaves its open file intact.
  for (const f of await fs.readdir(cacheDir).catch(() => [] as string[])) {
    if (f.startsWith('workflows-') && f.endsWith('.js') && path.join(cacheDir, f) !== codePath) await fs.rm(path.join(cacheDir, f), { force: true }).catch(() => undefined);
  }
  return { codePath };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };
