// What a caller of the Secret routes may see. API_SECRETS_TOKEN sees every Secret; a scoped reader
// sees the Secrets its rules match. Lists and watches are filtered to the scope (a reader's watch
// of /api/v1/secrets carries its Secrets only); a namespace no rule names is refused outright, as
// is one Secret outside the scope, with a 403 that names the scope.
import { describeReader, readerAllows, readerCoversNamespace, type SecretReader } from '../../platform/secret-readers.ts';
import { forbiddenStatus, type Status } from '../../resources/status.ts';
import type { Bearer } from './bearer.ts';

export type SecretViewer = { all: true } | { all: false; reader: SecretReader };

/** The viewer behind a bearer that passed secretAccess(). */
export const viewerOf = (bearer: Bearer): SecretViewer => (typeof bearer === 'object' ? { all: false, reader: bearer.reader } : { all: true });

/** Before a list or watch of `namespace` (undefined: all namespaces). */
export function listRefusal(viewer: SecretViewer, namespace: string | undefined): Status | undefined {
  if (viewer.all || readerCoversNamespace(viewer.reader, namespace)) return undefined;
  return forbiddenStatus(`${describeReader(viewer.reader)} may not list Secrets in namespace "${namespace}"`);
}

/**
 * One Secret: before reading it (`read` undefined) only its namespace and name are checked; once
 * read, its labels too. A reader whose rules could never match the name learns nothing more.
 */
export function itemRefusal(viewer: SecretViewer, namespace: string, name: string, read?: { labels?: Record<string, string> }): Status | undefined {
  if (viewer.all) return undefined;
  const allowed =
    read === undefined
      ? viewer.reader.rules.some((r) => r.namespace === namespace && (!r.names || r.names.includes(name)))
      : readerAllows(viewer.reader, namespace, name, read.labels);
  return allowed ? undefined : forbiddenStatus(`${describeReader(viewer.reader)} may not read Secret ${namespace}/${name}`);
}

/** Whether a listed or watched Secret goes to this viewer. */
export const visibleTo = (viewer: SecretViewer, namespace: string, name: string, labels: Record<string, string> | undefined): boolean =>
  viewer.all || readerAllows(viewer.reader, namespace, name, labels);
