// `?watch=true` on a Secret list: newline-delimited JSON events as Kubernetes sends them
// ({"type":"ADDED"|"MODIFIED"|"DELETED","object":<Secret>}). First an ADDED for every Secret that
// matches, then a BOOKMARK annotated k8s.io/initial-events-end (as with sendInitialEvents=true), then
// changes as the store reports them, and a BOOKMARK every KEEPALIVE_MS so a reader can tell a
// silent stream from a dead one. A Secret that stops matching (labels changed, removed) is
// DELETED. Events go out in order, one Secret read at a time; one that reads the same as what was
// last sent is not sent again. Ends when the client goes away or the API stops.
import { createHash } from 'node:crypto';
import type { Logger } from '../../platform/logger.ts';
import type { SecretRef, SecretStore } from '../../platform/secret-store.ts';
import { internalErrorStatus } from '../../resources/status.ts';
import { secretObject, type SecretObject } from './secret-object.ts';
import type { SecretWatchHub } from './watch-hub.ts';

export const KEEPALIVE_MS = 10_000;
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface WatchOptions {
  store: SecretStore;
  hub: SecretWatchHub;
  log: Logger;
  /** Undefined: all namespaces. */
  namespace?: string;
  /** Whether this Secret could go to this watcher at all, by namespace and name: others are not even read. */
  candidate: (namespace: string, name: string) => boolean;
  /** Whether this Secret goes to this watcher (selectors and the caller's scope). */
  wanted: (namespace: string, name: string, labels: Record<string, string> | undefined) => boolean;
  stopping?: AbortSignal;
  keepaliveMs?: number;
}

export function watchStream(o: WatchOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const sent = new Map<string, string>();
  let closed = false;
  let chain = Promise.resolve();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: unknown) => {
        if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const emit = async ({ namespace, name }: SecretRef) => {
        if (!o.candidate(namespace, name)) return;
        const key = `${namespace}/${name}`;
        const secret = await o.store.read(namespace, name);
        if (secret && o.wanted(namespace, name, secret.meta.labels)) {
          const object = secretObject(namespace, name, secret);
          const digest = fingerprint(object);
          if (sent.get(key) === digest) return;
          send({ type: sent.has(key) ? 'MODIFIED' : 'ADDED', object });
          sent.set(key, digest);
        } else if (sent.delete(key)) {
          send({ type: 'DELETED', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } } });
        }
      };
      const queue = (work: () => Promise<void>) => {
        chain = chain.then(work).catch((err: Error) => {
          if (closed) return;
          o.log.warn({ err: err.message }, 'secret watch stream failed');
          send({ type: 'ERROR', object: internalErrorStatus(`reading Secrets failed: ${err.message}`) });
          close();
        });
      };
      // Subscribed before listing, so a change made while the list is read is not lost.
      const { ready, unsubscribe } = o.hub.subscribe((namespace, name) => {
        if (o.namespace === undefined || namespace === o.namespace) queue(() => emit({ namespace, name }));
      });
      const keepalive = setInterval(() => send(bookmark()), o.keepaliveMs ?? KEEPALIVE_MS);
      const onStop = () => close();
      o.stopping?.addEventListener('abort', onStop);
      cleanup = () => {
        unsubscribe();
        clearInterval(keepalive);
        o.stopping?.removeEventListener('abort', onStop);
      };
      if (o.stopping?.aborted) return close();
      queue(async () => {
        // And listed once the subscription is in place (LISTEN can take a while under load; a
        // write between the initial-events-end bookmark and LISTEN was lost, CI).
        await ready;
        for (const ref of await o.store.list(o.namespace)) await emit(ref);
        send(bookmark({ [INITIAL_EVENTS_END]: 'true' }));
      });
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}

const bookmark = (annotations?: Record<string, string>) => ({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Secret', metadata: annotations ? { annotations } : {} } });

const fingerprint = (object: SecretObject) => createHash('sha256').update(JSON.stringify(object)).digest('base64');
