// All activities, built from their dependencies. The worker registers the result; workflows
// import only its type.
import type { Client } from '@temporalio/client';
import type { Http01TokenStore } from '../platform/http01-store.ts';
import type { SecretStore } from '../platform/secret-store.ts';
import type { OutboundOptions } from '../platform/config.ts';
import { accountActivities } from './acme-account.ts';
import { AcmeHttp } from './acme-http.ts';
import { orderActivities } from './acme-order.ts';
import { renewalInfoActivities } from './acme-renewal-info.ts';
import { AcmeSessions } from './acme-session.ts';
import { certificateSecretActivities } from './certificate-secret.ts';
import { http01Activities } from './http01.ts';
import { issuerLookupActivities } from './issuer-lookup.ts';
import { KeyPool } from './key-pool.ts';
import { orderGateActivities } from './order-gate.ts';
import { requestHistoryActivities } from './request-history.ts';
import { DEFAULT_ORDER_GATE_OPTIONS, type OrderGateOptions } from '../resources/order-gate-options.ts';

export interface ActivityDeps {
  secrets: SecretStore;
  nextKeys: SecretStore;
  http01: Http01TokenStore;
  client: () => Client;
  clusterResourceNamespace: string;
  selfCheck: { nameservers: string[]; port: number };
  /** Outbound policy, DNS and deadline for every ACME request. */
  outbound: OutboundOptions;
  /** Per-Issuer order limits (ISSUER_MAX_CONCURRENT_ORDERS); defaults when absent. */
  orderGate?: OrderGateOptions;
  /** Private keys made ahead, per kind (KEY_POOL_SIZE); 0 or absent: made on demand. */
  keyPoolSize?: number;
}

export function createActivities(deps: ActivityDeps) {
  const http = new AcmeHttp(deps.outbound);
  const sessions = new AcmeSessions(deps.secrets, http);
  return {
    ...accountActivities(deps.secrets, deps.clusterResourceNamespace, http),
    ...orderActivities(sessions),
    ...renewalInfoActivities(sessions),
    ...http01Activities(deps.http01, sessions, deps.selfCheck),
    ...certificateSecretActivities(deps.secrets, deps.nextKeys, new KeyPool(deps.keyPoolSize ?? 0)),
    ...issuerLookupActivities(deps.client, deps.clusterResourceNamespace),
    ...orderGateActivities(deps.client, () => deps.orderGate ?? DEFAULT_ORDER_GATE_OPTIONS),
    ...requestHistoryActivities(deps.client),
  };
}

export type Activities = ReturnType<typeof createActivities>;
