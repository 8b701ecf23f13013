// One watch on the secret store per API process, shared by every open watch stream: a hundred
// agents cost one set of inotify watches (or one LISTEN), not a hundred. It includes this
// process's own writes, since an API that also runs the worker (npm start) writes Secrets itself.
import type { Logger } from '../../platform/logger.ts';
import type { SecretStore } from '../../platform/secret-store.ts';

type Listener = (namespace: string, name: string) => void;

export class SecretWatchHub {
  private readonly listeners = new Set<Listener>();
  private unwatch?: () => void;

  constructor(
    private readonly store: SecretStore,
    private readonly log: Logger,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.unwatch ??= this.store.watch(
      (ns, name) => {
        for (const l of this.listeners) l(ns, name);
      },
      { includeOwnWrites: true, onError: (err) => this.log.warn({ err: err.message }, 'secret store watch problem') },
    );
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.unwatch?.();
        this.unwatch = undefined;
      }
    };
  }
}
