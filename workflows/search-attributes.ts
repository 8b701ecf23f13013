// Search attributes for child workflows, so every step is listable and filterable in the UI.
import { TypedSearchAttributes } from '@temporalio/common';
import { ISSUER, KIND, NAME, NAMESPACE } from '../platform/search-attributes.ts';
import type { ResourceKind } from '../resources/ids.ts';
import type { IssuerRef } from '../resources/types.ts';

export function childSearchAttributes(kind: ResourceKind, namespace: string, name: string, issuerRef: IssuerRef) {
  return new TypedSearchAttributes([
    { key: KIND, value: kind },
    { key: NAMESPACE, value: namespace },
    { key: NAME, value: name },
    { key: ISSUER, value: `${issuerRef.kind}/${issuerRef.name}` },
  ]);
}
