// Locates the servers the service and its tests run (the Go-built ones and Temporal's Java test
// server). The repo-local .tools/bin wins so a pinned version installed by `npm run tools` is used
// even when an older binary sits on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './repo-root.ts';

export type ToolName = 'temporal' | 'pebble' | 'pebble-challtestsrv' | 'temporal-test-server';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findTool(name: ToolName): string {
  const local = join(repoRoot, '.tools', 'bin', name);
  if (isExecutable(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  throw new Error(
    `${name} not found in ${join(repoRoot, '.tools', 'bin')} or on PATH. ` +
      `Run \`npm run tools\` (runs scripts/install-tools.sh; needs Go, and Java + Maven for temporal-test-server) or put the ${name} binary on PATH.`,
  );
}

export interface ToolProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code/signal once the process is gone; never rejects. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last ~64 KiB of combined stdout/stderr, kept even when a logFile is given, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if still alive after killAfterMs. */
  stop(killAfterMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

// A crashed or Ctrl-C'd parent must not leave servers holding ports; 'exit' handlers may only
// do synchronous work, and kill() is synchronous.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

const TAIL_BYTES = 64 * 1024;

export function spawnTool(name: ToolName, args: string[], opts: { env?: Record<string, string>; logFile?: string; cwd?: string } = {}): ToolProcess {
  installExitHook();
  const child = spawn(findTool(name), args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let tail = '';
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const onData = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    log?.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      tail += `\n[spawn error] ${err.message}`;
      live.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      log?.end();
      resolve({ code, signal });
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    exited,
    output: () => tail,
    stop(killAfterMs = 10_000) {
      stopping ??= (async () => {
        if (!live.has(child)) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** A tool that ended before it was ready (a port taken between choosing it and binding it, a bad flag). */
export class ExitedEarlyError extends Error {
  override name = 'ExitedEarlyError';
}

/**
 * Polls `ready` until it returns true. Rejects with the process output if the process exits first
 * or the timeout passes, so a failed start explains itself.
 */
export async function waitUntilReady(proc: ToolProcess, what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void proc.exited.then((e) => (exit = e));
  await Promise.resolve(); // let an already-settled exit be seen by the first check
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (exit) {
      throw new ExitedEarlyError(`${what} exited early (code ${exit.code}, signal ${exit.signal}). Output:\n${proc.output().slice(-8000)}`);
    }
    try {
      // Race the probe against exit: a probe that hangs on a dead port must not outlive the process.
      if (await Promise.race([ready(), proc.exited.then(() => false)])) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not ready after ${timeoutMs / 1000}s${lastError ? ` (last error: ${lastError})` : ''}. ` + `Output tail:\n${proc.output().slice(-8000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
