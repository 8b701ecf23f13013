// Reads an Issuer's current spec and status from its workflow, so a CertificateRequest acts
// with the issuer as it is now. Workflows cannot query each other; an activity can.
import { issuerSecretNamespace } from '../resources/issuer-secret-namespace.ts';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { issuerWorkflowId } from '../resources/ids.ts';
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
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return { found: false };
        issuer = await handle.query(getIssuer);
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
