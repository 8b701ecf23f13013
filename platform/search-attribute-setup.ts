// Makes sure the namespace knows the service's custom search attributes. `npm start` registers
// them through dev-server flags; any other Temporal (self-hosted cluster, a dev server started by
// hand) gets them here, at worker and API start, through the operator service. Adding is
// idempotent, and several processes starting at once may race: "already exists" is success.
import type { Connection as FullConnection } from '@temporalio/client';
import { GRPC_NOT_FOUND, grpcCode } from './grpc-code.ts';
import { SEARCH_ATTRIBUTES } from '../resources/search-attributes.ts';

type Connection = Pick<FullConnection, 'operatorService'>;
// temporal.api.enums.v1.IndexedValueType (the proto package is only a dev dependency).
export const INDEXED_VALUE_TYPES = { Keyword: 2, Datetime: 6, KeywordList: 7 } as const;

// gRPC status codes the operator service answers with.
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

export interface SearchAttributeCheck {
  namespace: string;
  /** False when the namespace does not exist on this Temporal. */
  namespaceExists: boolean;
  /** Names the service needs that the namespace lacks. */
  missing: string[];
}

export async function checkSearchAttributes(connection: Connection, namespace: string): Promise<SearchAttributeCheck> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const present = new Set(Object.keys(customAttributes ?? {}));
    return { namespace, namespaceExists: true, missing: Object.keys(SEARCH_ATTRIBUTES).filter((n) => !present.has(n)) };
  } catch (err) {
    if (grpcCode(err) === GRPC_NOT_FOUND) return { namespace, namespaceExists: false, missing: Object.keys(SEARCH_ATTRIBUTES) };
    throw err;
  }
}

/** Adds what is missing; returns the names it added. Throws an error that says what to do. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const check = await checkSearchAttributes(connection, namespace);
  if (!check.namespaceExists)
    throw new Error(`Temporal namespace "${namespace}" does not exist: create it (temporal operator namespace create --namespace ${namespace}) or set TEMPORAL_NAMESPACE`);
  if (check.missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(check.missing.map((n) => [n, INDEXED_VALUE_TYPES[SEARCH_ATTRIBUTES[n]!]]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const code = grpcCode(err);
    if (code === ALREADY_EXISTS) return [];
    if (code === PERMISSION_DENIED || code === UNIMPLEMENTED) throw new Error(`${missingMessage(check)} (adding them was refused: ${(err as Error).message})`);
    throw err;
  }
  return check.missing;
}

/** What an operator must do when the service cannot add its search attributes itself. */
export function missingMessage(check: SearchAttributeCheck): string {
  // The CLI pairs each --name with the --type at the same position: one --type after several
  // names adds only the first (measured with CLI 1.5.1), so every name gets its own --type.
  const cli = `temporal operator search-attribute create --namespace ${check.namespace} ${check.missing.map((n) => `--name ${n} --type ${SEARCH_ATTRIBUTES[n]}`).join(' ')}`;
  const cloud = check.missing.map((n) => `--search-attribute ${n}=${SEARCH_ATTRIBUTES[n]}`).join(' ');
  return (
    `search attributes ${check.missing.join(', ')} are not registered on Temporal namespace "${check.namespace}": ` +
    `add them with \`${cli}\` (Temporal Cloud: \`tcld namespace search-attributes add --namespace <namespace>.<account> ${cloud}\`)`
  );
}
