// The agent in-process against a real API on a real file store: a burst of writes makes one
// reload, a token outside its scope is logged as refused and retried, --once ends when synced.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { RunningApi } from '../api/server.ts';
import { freePort } from '../platform/ports.ts';
import { FileSecretStore } from '../platform/secret-store.ts';
import { parseAgentConfig } from './config.ts';
import { startAgent } from './sync.ts';
import { startSecretsApi } from '../test/support/secrets-api.ts';

const b = (s: string) => Buffer.from(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function capture() {
  const lines: { msg: string; level: number; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('sync agent against a real API', () => {
  let dir: string;
  let api: RunningApi;
  let store: FileSecretStore;
  let url: string;
  const agentEnv = (extra: Record<string, string>) => ({ AGENT_API_URL: url, AGENT_RETRY_MIN: '50ms', AGENT_RETRY_MAX: '200ms', ...extra });

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-sync-'));
    const readers = path.join(dir, 'readers.yaml');
    await fs.writeFile(readers, '- name: other-host\n  token: other-t\n  rules:\n    - namespace: team-z\n');
    store = new FileSecretStore(path.join(dir, 'secrets'));
    await store.write('team-a', 'web-tls', { 'tls.crt': b('c0'), 'tls.key': b('k0') }, { type: 'kubernetes.io/tls' });
    ({ api, url } = await startSecretsApi(dir, store, readers));
  });
  after(async () => {
    await api?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a burst of five writes makes one reload, with the last bytes on disk', async () => {
    const count = path.join(dir, 'reloads');
    const out = path.join(dir, 'burst');
    const { log, lines } = capture();
    const run = startAgent(
      parseAgentConfig(agentEnv({ AGENT_TOKEN: 'sec-t', AGENT_DIR: out, AGENT_SECRETS: 'team-a/web-tls', AGENT_RELOAD_COMMAND: `echo x >> ${count}`, AGENT_RELOAD_DELAY: '1s' })),
      log,
    );
    try {
      await run.synced;
      await until('the first reload', async () => (await fs.readFile(count, 'utf8').catch(() => '')).length > 0);
      for (let i = 1; i <= 5; i++) {
        await store.write('team-a', 'web-tls', { 'tls.crt': b(`c${i}`), 'tls.key': b(`k${i}`) });
        await sleep(250);
      }
      await until('the last bytes', async () => (await fs.readFile(path.join(out, 'team-a', 'web-tls', 'tls.crt'), 'utf8').catch(() => '')) === 'c5');
      await sleep(2_500);
      assert.equal((await fs.readFile(count, 'utf8')).trim().split('\n').length, 2, 'one reload at start, one for the burst');
      assert.ok(lines.filter((l) => l.msg === 'reload command succeeded').every((l) => l.exitCode === 0));
    } finally {
      await run.stop();
    }
  });

  test('a token scoped elsewhere is logged as refused and retried; no files appear', async () => {
    const out = path.join(dir, 'refused');
    const { log, lines } = capture();
    const run = startAgent(parseAgentConfig(agentEnv({ AGENT_TOKEN: 'other-t', AGENT_DIR: out, AGENT_SECRETS: 'team-a/web-tls' })), log);
    try {
      await until('three refusals', () => lines.filter((l) => l.msg.startsWith('the API refused the token')).length >= 3);
      const refusal = lines.find((l) => l.msg.startsWith('the API refused the token'))!;
      assert.match(String(refusal.err), /HTTP 403: secret reader "other-host" \(team-z\/\*\) may not list Secrets in namespace "team-a"/);
      assert.equal(refusal.level, 50);
      assert.equal(await fs.stat(out).catch(() => undefined), undefined);
    } finally {
      await run.stop();
    }
  });

  test('--once ends after the first sync; with the API unreachable it fails', async () => {
    const out = path.join(dir, 'once');
    const ok = startAgent(parseAgentConfig(agentEnv({ AGENT_TOKEN: 'sec-t', AGENT_DIR: out, AGENT_SECRETS: 'team-a/web-tls' })), capture().log, { once: true });
    await ok.done;
    assert.equal((await fs.readFile(path.join(out, 'team-a', 'web-tls', 'tls.key'), 'utf8')).slice(0, 1), 'k');
    const down = startAgent(
      parseAgentConfig({ ...agentEnv({ AGENT_TOKEN: 'sec-t', AGENT_DIR: out, AGENT_SECRETS: 'team-a/web-tls' }), AGENT_API_URL: `http://127.0.0.1:${await freePort()}` }),
      capture().log,
      { once: true },
    );
    await assert.rejects(down.done, /ECONNREFUSED|fetch failed/);
  });
});
