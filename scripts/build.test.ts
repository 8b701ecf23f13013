import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../platform/repo-root.ts';

// `tsc -b` decides whether dist/ is current from the timestamps of the config's own files only,
// not of the files they import: a source file outside `include` can change without
// `npm run worker` rebuilding, and the worker then runs yesterday's code.
test('every source file npm run build compiles is one whose change makes tsc -b rebuild', () => {
  const configPath = path.join(repoRoot, 'tsconfig.build.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) },
  );
  assert.ok(config);
  const watched = new Set(config.fileNames.map((f) => path.resolve(f)));
  const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
  const compiled = program
    .getSourceFiles()
    .map((f) => path.resolve(f.fileName))
    .filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`) && f.startsWith(repoRoot));
  assert.ok(compiled.length > 50, `${compiled.length} files`);
  assert.deepEqual(
    compiled.filter((f) => !watched.has(f)).map((f) => path.relative(repoRoot, f)),
    [],
  );
});
