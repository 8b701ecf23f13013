// Reads an Issuer's current spec and status, so a CertificateRequest acts with the issuer as it
// is now. The Issuer publishes its object in its memo (workflows/publish.ts), which describe
// returns without a worker: so this can run as a local activity and hold no slot another
// workflow's task needs. Runs that predate the memo are queried instead.
import { issuerSecretNamespace } from '../resources/issuer-secret-namespace.ts';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { issuerWorkflowId } from '../resources/ids.ts';
import { OBJECT_MEMO } from '../resources/memo.ts';
import { getIssuer } from '../resources/messages.ts';
import type { IssuerObject } from '../resources/objects.ts';
import type { IssuerRef } from '../resources/types.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { conditionIs } from '../resources/conditions.ts';
import type { ResolvedIssuer } from '../resources/resolved-issuer.ts';

export function issuerLookupActivities(client: () => Client, clusterResourceNamespace: string) {
  return {
    async resolveIssuer(namespace: string, ref: IssuerRef): Promise<ResolvedIssuer> {
      const handle = client().workflow.getHandle(issuerWorkflowId(ref.kind, namespace, ref.name));
      let issuer: IssuerObject | undefined;
      try {
        const { status, memo } = await handle.describe();
        if (status.name !== 'RUNNING') return { found: false };
        issuer = (memo?.[OBJECT_MEMO] as IssuerObject | undefined) ?? (await handle.query(getIssuer));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { found: false };
        throw err;
      }
      if (!issuer) return { found: false };
      const ready = conditionIs(issuer.status.conditions, ConditionType.Ready, 'True');
      const readyCondition = issuer.status.conditions.find((c) => c.type === ConditionType.Ready);
      return {
        found: true,
        ready,
        message: readyCondition?.message ?? 'no Ready condition yet',
        readySince: readyCondition?.lastTransitionTime,
        context: {
          issuerKind: ref.kind,
          issuerName: ref.name,
          secretNamespace: issuerSecretNamespace(ref.kind, namespace, clusterResourceNamespace),
          acme: issuer.spec.acme,
          accountUrl: issuer.status.acme?.uri,
          accountKeyThumbprint: issuer.status.acme?.lastPrivateKeyHash,
        },
      };
    },
  };
}
