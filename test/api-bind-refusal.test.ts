// `npm run api` refuses to expose an unauthenticated API: a non-loopback HOST without API_TOKEN
// exits non-zero before dialling Temporal, unless ALLOW_UNAUTHENTICATED=true says so on purpose.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs scripts/api.ts until it exits, or until `until` appears in its output (then it is stopped). */
async function runApi(extraEnv: Record<string, string>, until?: string, timeoutMs = 30_000): Promise<Run> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bind-refusal-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    PORT: '0',
    HTTP01_PORT: '0',
    HTTP01_HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    ...extraEnv,
  };
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/api.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    return await new Promise<Run>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; output: ${output}`)), timeoutMs);
      const onData = (d: Buffer) => {
        output += d.toString();
        if (until && output.includes(until)) {
          clearTimeout(timer);
          resolve({ code: null, output, ms: Date.now() - started });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output, ms: Date.now() - started });
      });
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

test('HOST=0.0.0.0 without a token: exits non-zero with a message naming API_TOKEN and ALLOW_UNAUTHENTICATED', async () => {
  const run = await runApi({ HOST: '0.0.0.0' });
  assert.notEqual(run.code, 0, run.output);
  assert.notEqual(run.code, null, run.output);
  assert.match(run.output, /API_TOKEN/);
  assert.match(run.output, /ALLOW_UNAUTHENTICATED/);
  assert.doesNotMatch(run.output, /Failed to connect/, 'it must refuse before dialling Temporal');
  assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
});

test('ALLOW_UNAUTHENTICATED=true gets past the check, with a loud warning', async () => {
  const run = await runApi({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }, 'WITHOUT AUTHENTICATION');
  assert.match(run.output, /"level":40.*WITHOUT AUTHENTICATION/);
  assert.doesNotMatch(run.output, /refusing to start/);
});

test('no token and no HOST: starts on loopback and says so', async () => {
  const run = await runApi({}, 'loopback');
  assert.match(run.output, /no API_TOKEN: the API listens on 127\.0\.0\.1 only \(loopback\)/);
  assert.doesNotMatch(run.output, /refusing to start/);
});
