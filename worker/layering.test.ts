// The layering of DESIGN.md ("nothing imports upwards"), checked on the import lines of every
// source file: workflows reach activities only as a type, through workflows/activities.ts, and
// never platform/ or api/; the API takes nothing from workflows but types; resources/ is the
// contract everyone shares and imports none of them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'node:test';

const ROOT = join(import.meta.dirname, '..');
type Layer = 'workflows' | 'activities' | 'api' | 'platform' | 'resources' | 'worker' | 'scripts';

interface Import {
  target: string;
  typeOnly: boolean;
}

/** Every static import/export-from and dynamic import() in a file, with whether it is type-only. */
export function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(statement)) {
    const specifiers = m[3]!.trim();
    const braces = /^\{([\s\S]*)\}$/.exec(specifiers);
    const allInlineTypes =
      braces !== null &&
      braces[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith('type '));
    found.push({ target: m[4]!, typeOnly: m[2] !== undefined || allInlineTypes });
  }
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ target: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ target: m[1]!, typeOnly: false });
  return found;
}

const layerOf = (path: string): Layer | undefined => /^(workflows|activities|api|platform|resources|worker|scripts)\//.exec(path)?.[1] as Layer | undefined;

/** Why an import from `file` (a path from the repository root) breaks the layering, or undefined. */
export function violation(file: string, imp: Import): string | undefined {
  if (!imp.target.startsWith('.')) return undefined;
  const from = layerOf(file);
  const to = layerOf(relative(ROOT, join(ROOT, file, '..', imp.target)));
  if (!from || !to || from === to) return undefined;
  const what = `${file} imports ${imp.typeOnly ? 'type ' : ''}${imp.target}`;
  switch (from) {
    case 'workflows':
      if (to === 'resources') return undefined;
      if (to === 'activities' && imp.typeOnly && file === 'workflows/activities.ts') return undefined;
      return `${what}: workflows import resources/ only (activities/ as a type, in workflows/activities.ts)`;
    case 'api':
      if (to === 'resources' || to === 'platform') return undefined;
      if (to === 'workflows' && imp.typeOnly) return undefined;
      return `${what}: the API imports resources/ and platform/ (workflows/ as types only)`;
    case 'activities':
      return to === 'resources' || to === 'platform' ? undefined : `${what}: activities import resources/ and platform/ only`;
    case 'platform':
      return to === 'resources' ? undefined : `${what}: platform/ imports resources/ only`;
    case 'resources':
      return `${what}: resources/ is the shared contract and imports no other layer`;
    default:
      return undefined;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

test('the import parser sees every form, and which are type-only', () => {
  const src = [
    "import { a } from '../platform/a.ts';",
    "import type { B } from '../activities/b.ts';",
    "import { type C, type D } from '../activities/c.ts';",
    "import { type E, f } from '../activities/e.ts';",
    "import {\n  g,\n  h,\n} from '../api/g.ts';",
    "export { i } from '../platform/i.ts';",
    "export type { J } from '../activities/j.ts';",
    "import '../platform/side-effect.ts';",
    "const k = await import('../platform/k.ts');",
  ].join('\n');
  assert.deepEqual(importsOf(src), [
    { target: '../platform/a.ts', typeOnly: false },
    { target: '../activities/b.ts', typeOnly: true },
    { target: '../activities/c.ts', typeOnly: true },
    { target: '../activities/e.ts', typeOnly: false },
    { target: '../api/g.ts', typeOnly: false },
    { target: '../platform/i.ts', typeOnly: false },
    { target: '../activities/j.ts', typeOnly: true },
    { target: '../platform/side-effect.ts', typeOnly: false },
    { target: '../platform/k.ts', typeOnly: false },
  ]);
});

const cases: [string, string, boolean, boolean][] = [
  // file, target, typeOnly, allowed
  ['workflows/certificate.ts', '../resources/ids.ts', false, true],
  ['workflows/certificate.ts', './activities.ts', false, true],
  ['workflows/certificate.ts', '../platform/search-attributes.ts', false, false],
  ['workflows/certificate.ts', '../platform/config.ts', true, false],
  ['workflows/certificate.ts', '../api/errors.ts', false, false],
  ['workflows/certificate.ts', '../activities/acme-order.ts', true, false],
  ['workflows/activities.ts', '../activities/index.ts', true, true],
  ['workflows/activities.ts', '../activities/index.ts', false, false],
  ['api/resources/read.ts', '../../workflows/certificate.ts', false, false],
  ['api/resources/read.ts', '../../workflows/certificate.ts', true, true],
  ['api/resources/read.ts', '../../activities/index.ts', false, false],
  ['api/resources/read.ts', '../../platform/config.ts', false, true],
  ['activities/acme-order.ts', '../workflows/order.ts', true, false],
  ['platform/secret-store.ts', '../activities/index.ts', false, false],
  ['resources/ids.ts', '../platform/config.ts', true, false],
  ['resources/ids.ts', './names.ts', false, true],
  ['worker/run.ts', '../activities/index.ts', false, true],
];

for (const [file, target, typeOnly, allowed] of cases) {
  test(`${file} importing ${typeOnly ? 'type ' : ''}${target}: ${allowed ? 'allowed' : 'refused'}`, () => {
    assert.equal(violation(file, { target, typeOnly }) === undefined, allowed);
  });
}

test('no source file imports upwards', () => {
  const problems = ['workflows', 'activities', 'api', 'platform', 'resources']
    .flatMap(sourceFiles)
    .flatMap((file) => importsOf(readFileSync(join(ROOT, file), 'utf8')).map((imp) => violation(file, imp)))
    .filter((v) => v !== undefined);
  assert.deepEqual(problems, []);
});

test('the workflow files are all checked', () => {
  const files = sourceFiles('workflows');
  assert.ok(files.includes('workflows/certificate.ts') && files.includes('workflows/activities.ts'), files.join(', '));
});

// The worker preloads the workflow modules once and shares them between all workflows
// (worker/bundle.ts): a module-level binding that changes would carry one run's state into another.
test('workflow and contract modules keep no mutable state at module level', () => {
  const mutable = ['workflows', 'resources']
    .flatMap(sourceFiles)
    .flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^(?:export\s+)?(?:let|var)\s+(\w+)/gm)].map((m) => `${file}: ${m[1]}`));
  assert.deepEqual(mutable, []);
});

// patched() in a new run records a marker and a search attribute upsert; isPatched() does not for
// runs started at the code level that covers the patch (workflows/patches.ts).
test('workflows ask isPatched(), never patched() directly', () => {
  const direct = sourceFiles('workflows')
    .filter((file) => file !== 'workflows/patches.ts')
    .filter((file) => /\b(patched|deprecatePatch)\s*\(/.test(readFileSync(join(ROOT, file), 'utf8')));
  assert.deepEqual(direct, []);
});

// A worker must not run a task of a run started at a higher code level (workflows/patches.ts): each
// workflow checks first, before any handler or command, as a replay from the start runs it first.
test('every workflow refuses runs above its code level before anything else', () => {
  const workflows = sourceFiles('workflows').flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^export async function (\w+Workflow)\([^\n]*\{\n(.*)\n/gm)].map((m) => ({ file, name: m[1], first: m[2]! })),
  );
  assert.ok(workflows.length >= 6, `found the workflows: ${workflows.map((w) => w.name).join(', ')}`);
  const late = workflows.filter((w) => w.first.trim() !== 'refuseRunsAboveLevel();').map((w) => `${w.file}: ${w.name}`);
  assert.deepEqual(late, []);
});
