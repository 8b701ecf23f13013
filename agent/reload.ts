// Runs the reload command (e.g. `nginx -s reload`) after files changed: changes arriving within
// `delayMs` of each other make one run, a change during a run makes one more run after it, and a
// run that outlives `timeoutMs` is killed. Every run is logged with its exit code and stderr.
import { spawn } from 'node:child_process';
import type { Logger } from '../platform/logger.ts';

export interface ReloadOptions {
  command?: string;
  timeoutMs: number;
  delayMs: number;
  log: Logger;
}

export interface ReloadResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
  ms: number;
}

const MAX_STDERR = 4096;

export class Reloader {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private reasons = new Set<string>();
  private closed = false;

  constructor(private readonly o: ReloadOptions) {}

  /** Asks for a reload because of `reason` (e.g. "team-a/web-tls"). */
  request(reason: string): void {
    if (this.closed) return;
    this.reasons.add(reason);
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.o.delayMs);
  }

  private fire(): void {
    this.timer = undefined;
    const reasons = [...this.reasons];
    this.reasons.clear();
    this.running = this.run(reasons).finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.timer = setTimeout(() => this.fire(), this.o.delayMs);
      }
    });
  }

  private async run(secrets: string[]): Promise<void> {
    const { command, log } = this.o;
    if (!command) {
      log.info({ secrets }, 'files changed; no AGENT_RELOAD_COMMAND to run');
      return;
    }
    const r = await runCommand(command, this.o.timeoutMs);
    const fields = { secrets, command, exitCode: r.code, signal: r.signal ?? undefined, ms: r.ms, stderr: r.stderr || undefined };
    if (r.timedOut) log.error(fields, `reload command killed after AGENT_RELOAD_TIMEOUT (${this.o.timeoutMs} ms)`);
    else if (r.code !== 0) log.error(fields, 'reload command failed');
    else log.info(fields, 'reload command succeeded');
  }

  /** Waits for a pending or running reload, then takes no more. */
  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.fire();
    }
    this.closed = true;
    await this.running;
  }
}

/**
 * `command` through /bin/sh in its own process group, killed as a group (SIGTERM, then SIGKILL
 * 2 s later) after `timeoutMs`: a child the shell started must not outlive it holding stderr open.
 */
export function runCommand(command: string, timeoutMs: number): Promise<ReloadResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString().slice(0, MAX_STDERR - stderr.length);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2_000).unref();
    }, timeoutMs);
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr: stderr.trim(), ms: Date.now() - started });
    };
    child.on('error', (err) => {
      stderr += err.message;
      done(null, null);
    });
    child.on('close', done);
  });
}
