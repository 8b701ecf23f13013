// metadata for every kind. Server-set fields are tolerated because people paste `kubectl get -o yaml`
// output; they are dropped because this service owns them.
import { z } from 'zod';
import type { ObjectMeta } from './types.ts';
import { dns1123LabelError, dns1123SubdomainError } from './names.ts';
import { annotationMap, checkedString, labelMap } from './field-checks.ts';

const ignored = z.unknown().optional();

const metadataFields = z.strictObject({
  name: checkedString(dns1123SubdomainError),
  namespace: checkedString(dns1123LabelError).optional(),
  labels: labelMap.optional(),
  annotations: annotationMap.optional(),
  uid: ignored,
  resourceVersion: ignored,
  creationTimestamp: ignored,
  generation: ignored,
  managedFields: ignored,
  selfLink: ignored,
  generateName: ignored,
  deletionTimestamp: ignored,
  deletionGracePeriodSeconds: ignored,
  ownerReferences: ignored,
  finalizers: ignored,
});

function userFields(m: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }): ObjectMeta {
  return { name: m.name, ...(m.labels && { labels: m.labels }), ...(m.annotations && { annotations: m.annotations }) };
}

export const namespacedMetadata = metadataFields.transform((m): ObjectMeta & { namespace: string } => ({
  ...userFields(m),
  namespace: m.namespace ?? 'default',
}));

/** ClusterIssuer: a namespace is meaningless, so it is neither validated nor kept. */
export const clusterMetadata = metadataFields.extend({ namespace: ignored }).transform(userFields);
