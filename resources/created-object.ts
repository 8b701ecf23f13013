// What a resource looks like the moment it is created by an apply: generation 1, its creation
// time, no status yet. The API publishes exactly this in the memo of a workflow it starts with the
// manifest (so reads show it before any worker has run), and the workflow builds the same object
// from the same manifest and time, so its first publish changes nothing.
import type { ObjectMeta } from './types.ts';

/** The start input of an entity workflow created by an apply: applied on its first task. */
export interface CreateOnStart<M> {
  manifest: M;
  /** ISO time the API chose; the workflow uses it, so both build the same object. */
  creationTimestamp: string;
}

/** The applied manifest's metadata as a created object carries it (a client-sent generation is ignored). */
export function createdSpec<M extends { metadata: ObjectMeta }>(manifest: M, now: Date): M {
  return { ...manifest, metadata: { ...manifest.metadata, generation: 1, creationTimestamp: now.toISOString() } };
}

/** The published object of a resource just created: what GET returns until its workflow runs. */
export function createdObject<M extends { metadata: ObjectMeta }>(manifest: M, now: Date): M & { status: { conditions: [] } } {
  return { ...createdSpec(manifest, now), status: { conditions: [] } };
}
