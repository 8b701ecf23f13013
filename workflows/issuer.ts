// Issuer / ClusterIssuer: an entity workflow holding the spec and status. It registers (or
// finds) the ACME account, with EAB when given, and keeps Ready true while the account works.
import { ApplicationFailure, condition, continueAsNew, setHandler, upsertSearchAttributes, allHandlersFinished, workflowInfo } from '@temporalio/workflow';
import { READY } from '../platform/search-attributes.ts';
import { setCondition } from '../resources/conditions.ts';
import { issuerWorkflowId } from '../resources/ids.ts';
import { applyIssuer, deleteIssuer, getIssuer } from '../resources/messages.ts';
import type { IssuerObject } from '../resources/objects.ts';
import { account as accountActivity } from './activities.ts';
import { applyManifest, assertNamesThisWorkflow } from './apply.ts';
import { rootMessage } from './failure.ts';

export { applyIssuer, deleteIssuer, getIssuer };

export interface IssuerWorkflowInput {
  object?: IssuerObject;
  registeredGeneration?: number;
}

const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

export async function issuerWorkflow(input: IssuerWorkflowInput = {}): Promise<void> {
  let object = input.object;
  let registeredGeneration = input.registeredGeneration;
  const generation = () => object?.metadata.generation ?? 0;
  // Deleting an Issuer ends its workflow; its account key Secret is kept, as in cert-manager.
  let deleted = false;

  setHandler(
    applyIssuer,
    (manifest) => {
      const applied = applyManifest(object, manifest, new Date());
      object = { ...applied.object, status: object?.status ?? { conditions: [] } };
      return applied.result;
    },
    {
      validator: (m) => {
        assertNamesThisWorkflow(issuerWorkflowId(m.kind, m.metadata.namespace ?? '', m.metadata.name));
        if (deleted) throw ApplicationFailure.nonRetryable('the issuer is being deleted; apply it again once it is gone', 'Deleting');
      },
    },
  );
  setHandler(getIssuer, () => object);
  setHandler(deleteIssuer, () => void (deleted = true));

  const setReady = (ready: boolean, reason: string, message: string) => {
    object!.status.conditions = setCondition(
      object!.status.conditions,
      { type: 'Ready', status: ready ? 'True' : 'False', reason, message, observedGeneration: generation() },
      new Date(),
    );
    upsertSearchAttributes([{ key: READY, value: ready ? 'True' : 'False' }]);
  };

  let failures = 0;
  for (;;) {
    await condition(() => deleted || (object !== undefined && registeredGeneration !== generation()));
    if (deleted) break;
    const attempted = generation();
    const { kind, metadata, spec } = object!;
    try {
      const account = await accountActivity.registerAcmeAccount({ kind, namespace: metadata.namespace, name: metadata.name }, spec.acme);
      if (attempted === generation()) {
        object!.status.acme = { uri: account.accountUrl, lastRegisteredEmail: account.lastRegisteredEmail };
        setReady(true, 'ACMEAccountRegistered', 'The ACME account was registered with the ACME server');
        registeredGeneration = attempted;
      }
      failures = 0;
    } catch (err) {
      failures++;
      setReady(false, 'ErrRegisterACMEAccount', `Failed to register ACME account: ${rootMessage(err)}`);
      const wait = Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS);
      // Retry on a timer, or at once when the spec is applied again.
      await condition(() => deleted || generation() !== attempted, wait);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof issuerWorkflow>({ object, registeredGeneration });
    }
  }
  await condition(allHandlersFinished);
}
