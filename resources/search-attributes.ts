// Custom search attribute keys, shared by workflows (which set them), the API (which queries
// them) and platform/search-attribute-setup.ts (which registers them). They make resources
// listable through visibility and filterable in the Temporal UI. Never put anything secret here: search attributes are not encoded by codecs.
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { LABELS_ATTRIBUTE, labelTerms } from './label-selector.ts';

export const KIND = defineSearchAttributeKey('CertManagerKind', SearchAttributeType.KEYWORD);
export const NAMESPACE = defineSearchAttributeKey('CertManagerNamespace', SearchAttributeType.KEYWORD);
export const NAME = defineSearchAttributeKey('CertManagerName', SearchAttributeType.KEYWORD);
export const ISSUER = defineSearchAttributeKey('CertManagerIssuer', SearchAttributeType.KEYWORD);
export const READY = defineSearchAttributeKey('CertManagerReady', SearchAttributeType.KEYWORD);
export const NOT_AFTER = defineSearchAttributeKey('CertManagerNotAfter', SearchAttributeType.DATETIME);
/** A Certificate's spec.secretName: which Certificates to wake when a Secret nobody owns changes. */
export const SECRET_NAME = defineSearchAttributeKey('CertManagerSecretName', SearchAttributeType.KEYWORD);
/** Every label as "key=value" and "key", for label selectors (resources/label-selector.ts). */
export const LABELS = defineSearchAttributeKey(LABELS_ATTRIBUTE, SearchAttributeType.KEYWORD_LIST);

/**
 * Every custom search attribute the service needs on its namespace: name -> type, in the form
 * `temporal server start-dev --search-attribute Name=Type` and `tcld` expect.
 */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime' | 'KeywordList'> = {
  CertManagerKind: 'Keyword',
  CertManagerNamespace: 'Keyword',
  CertManagerName: 'Keyword',
  CertManagerIssuer: 'Keyword',
  CertManagerReady: 'Keyword',
  CertManagerNotAfter: 'Datetime',
  CertManagerSecretName: 'Keyword',
  [LABELS_ATTRIBUTE]: 'KeywordList',
};

/** What every resource workflow starts with: kind, namespace, name and (when it has one) issuer. */
export function resourceSearchAttributes(
  kind: string,
  namespace: string,
  name: string,
  issuerRef?: { kind: string; name: string },
  labels?: Record<string, string>,
): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: KIND, value: kind },
    { key: NAMESPACE, value: namespace },
    { key: NAME, value: name },
    ...(issuerRef ? [{ key: ISSUER, value: `${issuerRef.kind}/${issuerRef.name}` }] : []),
    { key: LABELS, value: labelTerms(labels) },
  ]);
}
