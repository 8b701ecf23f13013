// A stored Secret as Kubernetes shows it (data in base64), and the query parameters that choose
// Secrets in lists and watches: `labelSelector` and `fieldSelector` (metadata.name,
// metadata.namespace, with = or ==, comma-separated, as Kubernetes offers for Secrets).
import { parseLabelSelector, type Requirement } from '../../resources/label-selector.ts';
import type { SecretData, SecretMeta } from '../../platform/secret-store.ts';

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

export function secretObject(namespace: string, name: string, secret: { data: SecretData; meta: SecretMeta }): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: secret.meta.labels, annotations: secret.meta.annotations },
    type: secret.meta.type,
    data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, v.toString('base64')])),
  };
}

export interface SecretFilter {
  labels: Requirement[];
  name?: string;
  namespace?: string;
}

/** The filter the query asks for, or the message of a 400 naming the parameter. */
export function secretFilter(labelSelector: string | undefined, fieldSelector: string | undefined): SecretFilter | string {
  const labels = parseLabelSelector(labelSelector ?? '');
  if (!labels.ok) return labels.message;
  const filter: SecretFilter = { labels: labels.requirements };
  for (const part of (fieldSelector ?? '').split(',')) {
    if (part.trim() === '') continue;
    const m = /^\s*(metadata\.name|metadata\.namespace)\s*==?\s*([-.a-z0-9]+)\s*$/.exec(part);
    if (!m) return `fieldSelector: unsupported requirement "${part.trim()}": only metadata.name=<name> and metadata.namespace=<namespace> are supported`;
    if (m[1] === 'metadata.name') filter.name = m[2];
    else filter.namespace = m[2];
  }
  return filter;
}
