// All activities, built from their dependencies. The worker registers the result; workflows
// import only its type.
import type { Client } from '@temporalio/client';
import type { Http01Store } from '../platform/http01-store.ts';
import type { FileSecretStore } from '../platform/secret-store.ts';
import { accountActivities } from './acme-account.ts';
import { orderActivities } from './acme-order.ts';
import { renewalInfoActivities } from './acme-renewal-info.ts';
import { AcmeSessions } from './acme-session.ts';
import { certificateSecretActivities } from './certificate-secret.ts';
import { http01Activities } from './http01.ts';
import { issuerLookupActivities } from './issuer-lookup.ts';

export interface ActivityDeps {
  secrets: FileSecretStore;
  nextKeys: FileSecretStore;
  http01: Http01Store;
  client: () => Client;
  clusterResourceNamespace: string;
  selfCheck: { nameservers: string[]; port: number };
}

export function createActivities(deps: ActivityDeps) {
  const sessions = new AcmeSessions(deps.secrets);
  return {
    ...accountActivities(deps.secrets, deps.clusterResourceNamespace),
    ...orderActivities(sessions),
    ...renewalInfoActivities(sessions),
    ...http01Activities(deps.http01, sessions, deps.selfCheck),
    ...certificateSecretActivities(deps.secrets, deps.nextKeys),
    ...issuerLookupActivities(deps.client, deps.clusterResourceNamespace),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AcmeIssuerContext } from './acme-session.ts';
