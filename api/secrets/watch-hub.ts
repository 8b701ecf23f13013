// One watch on the secret store per API process, shared by every open watch stream: a hundred
// agents cost one set of inotify watches (or one LISTEN), not a hundred. It includes this
// process's own writes, since an API that also runs the worker (npm start) writes Secrets itself.
import type { Logger } from '../../platform/logger.ts';
import type { SecretStore } from '../../platform/secret-store.ts';

type Listener = (namespace: string, name: string) => void;

export class SecretWatchHub {
  private readonly listeners = new Set<Listener>();
  private unwatch?: () => void;
  private ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SecretStore,
    private readonly log: Logger,
  ) {}

  /** `ready` resolves once the store reports changes (PostgreSQL: LISTEN is in place). */
  subscribe(listener: Listener): { ready: Promise<void>; unsubscribe: () => void } {
    this.listeners.add(listener);
    if (!this.unwatch) {
      const notify = (ns: string, name: string) => {
        for (const l of this.listeners) l(ns, name);
      };
      const opts = { includeOwnWrites: true, onError: (err: Error) => this.log.warn({ err: err.message }, 'secret store watch problem') };
      const watching = this.store.watchReady?.(notify, opts) ?? { ready: Promise.resolve(), unsubscribe: this.store.watch(notify, opts) };
      this.unwatch = watching.unsubscribe;
      this.ready = watching.ready;
    }
    return {
      ready: this.ready,
      unsubscribe: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) {
          this.unwatch?.();
          this.unwatch = undefined;
        }
      },
    };
  }
}
