// The sync agent: keeps one watch per target open (watchPaths), writes each Secret that really
// changed into the local mirror and asks the Reloader for one reload per burst. When the API is
// unreachable or a watch breaks, the files stay as they are (the web server keeps serving them)
// and the watch is opened again after a backoff; every reconnect starts with the full list (the
// initial ADDED events), so what changed meanwhile is caught up. A Secret deleted in the API (or
// taken out of the token's scope) keeps its last files: removing them would only break the next
// reload.
import type { Logger } from '../platform/logger.ts';
import { issuanceBackoff } from '../resources/backoff.ts';
import { watchPaths, type AgentConfig } from './config.ts';
import { LocalMirror } from './local-mirror.ts';
import { Reloader } from './reload.ts';
import { secretFiles } from './secret-files.ts';
import { readWatch, WatchHttpError, type WatchEvent } from './watch-client.ts';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface AgentRun {
  /** Resolves once every watch has delivered its initial list (with `once`: then the run ends). */
  synced: Promise<void>;
  /** Resolves when the agent has stopped (after stop(), or with `once` once synced). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function startAgent(config: AgentConfig, log: Logger, opts: { once?: boolean } = {}): AgentRun {
  const mirror = new LocalMirror(config.dir);
  const reloader = new Reloader({ command: config.reloadCommand, timeoutMs: config.reloadTimeoutMs, delayMs: config.reloadDelayMs, log });
  const stopping = new AbortController();
  const paths = watchPaths(config);
  let pending = paths.length;
  let markSynced = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = () => {
      if (--pending === 0) resolve();
    };
  });
  const loops = paths.map((p) => watchLoop(p));
  const done = (async () => {
    if (opts.once) {
      try {
        await Promise.race([synced, Promise.all(loops)]);
      } finally {
        stopping.abort();
      }
    }
    await Promise.all(loops);
    await reloader.close();
  })();

  async function watchLoop(watchPath: string): Promise<void> {
    const url = `${config.apiUrl}${watchPath}`;
    let failures = 0;
    let first = true;
    while (!stopping.signal.aborted) {
      const seen = new Set<string>();
      try {
        await readWatch({ url, token: config.token, idleTimeoutMs: config.idleTimeoutMs, signal: stopping.signal }, async (event) => {
          if (isInitialEnd(event)) {
            failures = 0;
            log.info({ watch: watchPath, secrets: [...seen] }, 'in sync with the API');
            if (config.secrets && seen.size === 0) log.warn({ watch: watchPath }, "the Secret is not in the API (or not in this token's scope): nothing to mirror yet");
            if (first) markSynced();
            first = false;
            return;
          }
          const ref = await handle(event);
          if (ref) seen.add(ref);
        });
        if (stopping.signal.aborted) break;
        failures++;
        log.warn({ watch: watchPath }, 'the API ended the watch; keeping the files, reconnecting');
      } catch (err) {
        if (stopping.signal.aborted) break;
        failures++;
        const denied = err instanceof WatchHttpError && (err.status === 401 || err.status === 403);
        const wait = issuanceBackoff(failures, { minMs: config.retryMinMs, maxMs: config.retryMaxMs });
        log[denied ? 'error' : 'warn'](
          { watch: watchPath, attempt: failures, retryInMs: wait, err: describe(err) },
          denied ? 'the API refused the token for this watch; keeping the files, retrying' : 'cannot watch the API; keeping the files, retrying',
        );
        if (opts.once) throw new Error(`${watchPath}: ${describe(err)}`);
        await sleep(wait, stopping.signal);
        continue;
      }
      await sleep(issuanceBackoff(failures, { minMs: config.retryMinMs, maxMs: config.retryMaxMs }), stopping.signal);
    }
  }

  /** One ADDED/MODIFIED/DELETED/ERROR event; the Secret's "ns/name" when it is one we mirror. */
  async function handle(event: WatchEvent): Promise<string | undefined> {
    if (event.type === 'BOOKMARK') return undefined;
    if (event.type === 'ERROR') throw new Error(`the API ended the watch with an error: ${event.object.message ?? JSON.stringify(event.object)}`);
    const namespace = event.object.metadata?.namespace ?? '';
    const name = event.object.metadata?.name ?? '';
    const ref = `${namespace}/${name}`;
    if (!wanted(namespace, name)) {
      log.warn({ secret: ref, type: event.type }, 'the API sent a Secret this agent did not ask for; ignored');
      return undefined;
    }
    if (event.type === 'DELETED') {
      log.warn({ secret: ref }, "the Secret is gone from the API (or out of this token's scope); keeping its last files");
      return undefined;
    }
    const files = secretFiles(event.object);
    if (typeof files === 'string') {
      log.error({ secret: ref }, `cannot mirror the Secret: ${files}; keeping its last files`);
      return ref;
    }
    if (await mirror.apply(namespace, name, files)) {
      log.info({ secret: ref, keys: Object.keys(files).sort(), dir: mirror.secretDir(namespace, name) }, 'wrote a new version of the Secret');
      reloader.request(ref);
    } else log.debug({ secret: ref }, 'unchanged');
    return ref;
  }

  function wanted(namespace: string, name: string): boolean {
    if (config.secrets) return config.secrets.some((s) => s.namespace === namespace && s.name === name);
    return /^[-a-z0-9]+$/.test(namespace) && /^[-.a-z0-9]+$/.test(name) && (config.selector?.namespace === undefined || config.selector.namespace === namespace);
  }

  return {
    synced,
    done,
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
  };
}

const isInitialEnd = (e: WatchEvent) => e.type === 'BOOKMARK' && e.object.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true';

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ? `${e.message} (${e.cause.code})` : (e.message ?? String(err));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
