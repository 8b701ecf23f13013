// Issuer / ClusterIssuer: an entity workflow holding the spec and status. It registers (or
// finds) the ACME account, with EAB when given, and keeps Ready true while the account works:
// it verifies the account periodically and whenever a Certificate reports that the CA rejected
// it, and registers it again (same key) when the CA no longer knows it (a CA reset, a
// deactivation) or when the account key Secret was replaced.
import { ApplicationFailure, condition, setHandler, upsertSearchAttributes, allHandlersFinished, workflowInfo } from '@temporalio/workflow';
import { isPatched, refuseRunsAboveLevel } from './patches.ts';
import { LABELS, READY } from '../resources/search-attributes.ts';
import { labelTerms } from '../resources/label-selector.ts';
import { accountCheckDelayMs, msUntilAccountCheck } from '../resources/account-check.ts';
import { Reason } from '../resources/condition-reasons.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { conditionIs, setCondition } from '../resources/conditions.ts';
import { issuerWorkflowId } from '../resources/ids.ts';
import { DEFAULT_ISSUER_OPTIONS, type IssuerOptions } from '../resources/issuer-options.ts';
import { accountRejected, applyIssuer, deleteIssuer, getIssuer } from '../resources/messages.ts';
import type { IssuerObject } from '../resources/objects.ts';
import type { CreateOnStart } from '../resources/created-object.ts';
import type { IssuerManifest } from '../resources/types.ts';
import { account as accountActivity } from './activities.ts';
import { applyManifest, assertNamesThisWorkflow } from './apply.ts';
import { rootMessage } from './failure.ts';
import { searchAttributePublisher } from './search-attribute-publisher.ts';
import { continueAsNewPublished, objectPublisher, publishesObjects } from './publish.ts';

export { accountRejected, applyIssuer, deleteIssuer, getIssuer };

/** Why the account is to be verified now. */
interface VerifyRequest {
  /** A Certificate saw the CA reject the account: Ready is False until the check is done. */
  reported?: { message: string; from: string };
}

export interface IssuerWorkflowInput {
  object?: IssuerObject;
  registeredGeneration?: number;
  options?: Partial<IssuerOptions>;
  /** Carried across continue-as-new. */
  verify?: VerifyRequest;
  /** Workflow time (ms since the epoch) of the next periodic account check. */
  nextAccountCheck?: number;
  /** Why the account is being registered again, while it is. */
  reregistering?: string;
  /** Started by an apply that created the issuer (api/manifests/apply-one.ts): applied first. */
  create?: CreateOnStart<IssuerManifest>;
}

// Issuers started before account checks existed replay without the check timer and without the
// retry-on-apply (test/replay.test.ts); they take both up from their next live workflow task.
const ACCOUNT_RECOVERY_PATCH = 'issuer-account-recovery';

const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

export async function issuerWorkflow(input: IssuerWorkflowInput = {}): Promise<void> {
  refuseRunsAboveLevel();
  const options: IssuerOptions = { ...DEFAULT_ISSUER_OPTIONS, ...input.options };
  let object = input.object;
  let registeredGeneration = input.registeredGeneration;
  let verify = input.verify;
  let nextAccountCheck = input.nextAccountCheck;
  let reregistering = input.reregistering;
  const generation = () => object?.metadata.generation ?? 0;
  // Deleting an Issuer ends its workflow; its account key Secret is kept, as in cert-manager.
  let deleted = false;
  // An apply while not Ready retries at once rather than at the next backoff step.
  let retryNow = false;
  const publish = objectPublisher<IssuerObject>();
  const publishAttributes = searchAttributePublisher();

  // Before any handler is set, so an apply Update that arrived meanwhile finds the issuer. The
  // starter set the search attributes and published this very object, so the publish records nothing.
  if (input.create) {
    object = { ...applyManifest<IssuerObject>(undefined, input.create.manifest, new Date(input.create.creationTimestamp)).object, status: { conditions: [] } };
    publish(object);
  }

  setHandler(
    applyIssuer,
    (manifest) => {
      const applied = applyManifest(object, manifest, new Date());
      if (object && !conditionIs(object.status.conditions, ConditionType.Ready, 'True') && isPatched(ACCOUNT_RECOVERY_PATCH)) retryNow = true;
      object = { ...applied.object, status: object?.status ?? { conditions: [] } };
      if (applied.result !== 'unchanged' && publishesObjects()) upsertSearchAttributes([{ key: LABELS, value: labelTerms(object.metadata.labels) }]);
      publish(object);
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
  setHandler(accountRejected, (report) => {
    const uri = object?.status.acme?.uri;
    // About an account already replaced (another Certificate's report came first): nothing new.
    if (deleted || !uri || report.accountUrl !== uri || verify?.reported) return;
    verify = { reported: { message: report.message, from: report.from } };
    // Certificates wait for Ready (and a new account URL) instead of failing against this account.
    setReady(false, Reason.VerifyingAccount, `${report.from} was refused by the ACME server (${report.message}); verifying the ACME account`);
  });

  const setReady = (ready: boolean, reason: string, message: string) => {
    object!.status.conditions = setCondition(
      object!.status.conditions,
      { type: ConditionType.Ready, status: ready ? 'True' : 'False', reason, message, observedGeneration: generation() },
      new Date(),
    );
    publishAttributes([{ key: READY, value: ready ? 'True' : 'False' }]);
    publish(object);
  };
  const mustRegister = () => registeredGeneration !== generation() || !object?.status.acme?.uri;
  const due = () => deleted || (object !== undefined && (mustRegister() || verify !== undefined || retryNow));
  const scheduleCheck = () => (nextAccountCheck = Date.now() + accountCheckDelayMs(options.accountRecheckMs, Math.random()));

  let failures = 0;
  for (;;) {
    if (!due()) {
      const checks = isPatched(ACCOUNT_RECOVERY_PATCH);
      // An account registered before checks existed gets its first one a period from now.
      if (checks && nextAccountCheck === undefined && object?.status.acme?.uri) scheduleCheck();
      const wait = checks ? msUntilAccountCheck(nextAccountCheck, Date.now()) : undefined;
      if (wait === undefined) await condition(due);
      else if (wait === 0 || !(await condition(due, wait, { summary: 'until the next ACME account check' }))) verify ??= {};
    }
    if (deleted) break;
    const attempted = generation();
    const { kind, metadata, spec } = object!;
    const identity = { kind, namespace: metadata.namespace, name: metadata.name };
    const registering = mustRegister();
    const request = verify;
    verify = undefined;
    retryNow = false;
    try {
      if (registering) {
        const account = await accountActivity.registerAcmeAccount(identity, spec.acme);
        if (attempted === generation()) {
          const previous = object!.status.acme?.uri;
          object!.status.acme = { uri: account.accountUrl, lastRegisteredEmail: account.lastRegisteredEmail, lastPrivateKeyHash: account.keyThumbprint };
          if (reregistering) {
            setReady(true, Reason.AccountReregistered, `The ACME account was registered again (${reregistering}): ${previous ?? 'none'} is now ${account.accountUrl}`);
          } else {
            setReady(true, Reason.AccountRegistered, 'The ACME account was registered with the ACME server');
          }
          registeredGeneration = attempted;
          reregistering = undefined;
          // A registration is itself a check: reports that came in meanwhile are answered.
          verify = undefined;
          scheduleCheck();
        }
      } else {
        const { uri, lastPrivateKeyHash } = object!.status.acme!;
        const check = await accountActivity.verifyAcmeAccount(identity, spec.acme, { url: uri!, keyThumbprint: lastPrivateKeyHash });
        if (attempted !== generation()) {
          // The spec changed meanwhile: registered anew at the top of the loop.
        } else if (check.valid) {
          // Accounts registered before the thumbprint was kept adopt it now.
          if (!lastPrivateKeyHash && check.keyThumbprint) object!.status.acme!.lastPrivateKeyHash = check.keyThumbprint;
          if (request?.reported || !conditionIs(object!.status.conditions, ConditionType.Ready, 'True')) {
            setReady(true, Reason.AccountVerified, 'The ACME account was verified with the ACME server');
          }
          scheduleCheck();
        } else {
          // Registered again at the top of the loop, with the same key (or the new one).
          reregistering = check.reason;
          registeredGeneration = undefined;
          setReady(false, Reason.ReregisteringAccount, `Registering the ACME account again: ${check.reason}`);
        }
      }
      failures = 0;
    } catch (err) {
      failures++;
      if (registering) setReady(false, Reason.ErrRegisterAccount, `Failed to register ACME account: ${rootMessage(err)}`);
      else {
        setReady(false, Reason.ErrVerifyAccount, `Failed to verify ACME account: ${rootMessage(err)}`);
        verify = request ?? {};
      }
      const wait = Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS);
      // Retry on a timer, or at once when the spec is applied again.
      await condition(() => deleted || generation() !== attempted || retryNow, wait);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNewPublished<typeof issuerWorkflow>({ object, registeredGeneration, options, verify, nextAccountCheck, reregistering });
    }
  }
  await condition(allHandlersFinished);
}
