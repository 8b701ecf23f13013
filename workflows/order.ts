// Order: one ACME order. Create it, run one Challenge child per pending authorization, then
// finalize with the CSR and download the chain. Once created an order never changes.
import { ApplicationFailure, executeChild, isCancellation, setHandler } from '@temporalio/workflow';
import { codeLevelMemo } from '../resources/code-level.ts';
import { isPatched, refuseRunsAboveLevel } from './patches.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { AcmeAuthorizationState, AcmeOrderState } from '../resources/acme-order-state.ts';
import { resourceSearchAttributes } from '../resources/search-attributes.ts';
import { asciiToBase64 } from '../resources/base64.ts';
import { isoSeconds } from '../resources/conditions.ts';
import { challengeName, challengeWorkflowId } from '../resources/ids.ts';
import { challengeLabels, orderLabels } from '../resources/owner-labels.ts';
import { CHALLENGE_PRIORITY } from '../resources/task-priority.ts';
import { getOrder } from '../resources/messages.ts';
import type { OrderObject } from '../resources/objects.ts';
import type { IssuerRef } from '../resources/types.ts';
import { acme } from './activities.ts';
import { orderSlot } from './order-slot.ts';
import { challengeWorkflow } from './challenge.ts';
import { failureType, rootMessage } from './failure.ts';
import { pollUntil } from './poll.ts';
import { objectPublisher } from './publish.ts';

export { getOrder };

export interface OrderInput {
  namespace: string;
  name: string;
  requestName: string;
  issuerRef: IssuerRef;
  issuer: AcmeIssuerContext;
  dnsNames: string[];
  ipAddresses: string[];
  commonName?: string;
  csrPem: string;
  labels: Record<string, string>;
  /** RFC 9773 certID of the certificate this order renews. */
  replaces?: string;
}

export async function orderWorkflow(input: OrderInput): Promise<string> {
  refuseRunsAboveLevel();
  const { issuer } = input;
  const object: OrderObject = {
    apiVersion: 'acme.cert-manager.io/v1',
    kind: 'Order',
    metadata: { name: input.name, namespace: input.namespace, labels: orderLabels(input.requestName) },
    spec: {
      request: asciiToBase64(input.csrPem),
      issuerRef: input.issuerRef,
      dnsNames: input.dnsNames,
      ipAddresses: input.ipAddresses,
      commonName: input.commonName,
    },
    status: {},
  };
  setHandler(getOrder, () => object);
  const publish = objectPublisher<OrderObject>();
  publish(object);

  // The cause is kept: the Certificate reads the ACME problem type from it (account-rejection.ts).
  const fail = (reason: string, cause?: unknown): never => {
    object.status = { ...object.status, state: object.status.state === 'invalid' ? 'invalid' : 'errored', reason, failureTime: isoSeconds(new Date()) };
    publish(object);
    throw ApplicationFailure.create({ message: reason, type: 'OrderFailed', nonRetryable: true, cause: cause instanceof Error ? cause : undefined });
  };
  const track = (o: AcmeOrderState) => {
    object.status.state = o.status;
    object.status.certificate = undefined;
    publish(object);
    return o;
  };

  // Runs started before the gate existed replay without it.
  const slot = isPatched('order-slot-gate')
    ? orderSlot(input, (reason) => {
        object.status.reason = reason;
        publish(object);
      })
    : undefined;

  try {
    await slot?.acquire();
    const identifiers = [...input.dnsNames.map((value) => ({ type: 'dns' as const, value })), ...input.ipAddresses.map((value) => ({ type: 'ip' as const, value }))];
    const created = await acme.createAcmeOrder(issuer, identifiers, input.replaces);
    object.spec.replaces = created.replaced;
    let order = track(created);
    object.status.url = order.url;
    object.status.finalizeURL = order.finalize;
    publish(object);

    const authzs = await Promise.all(order.authorizations.map(async (url) => (await acme.getAcmeAuthorization(issuer, url)).value));
    object.status.authorizations = authzs.map((a) => ({ url: a.url, identifier: a.identifier.value, wildcard: a.wildcard, initialState: a.status }));
    publish(object);
    const results = await Promise.allSettled(authzs.filter((a) => a.status === 'pending').map((a) => solve(input, a)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Cancelled from above (spec change, deletion): end cancelled, not failed.
    if (failed && isCancellation(failed.reason)) throw failed.reason;
    if (failed) {
      object.status.state = 'invalid';
      fail(rootMessage(failed.reason), failed.reason);
    }
    const invalid = authzs.find((a) => a.status === 'invalid' || a.status === ('deactivated' as string));
    if (invalid) fail(`authorization for ${invalid.identifier.value} is ${invalid.status}`);

    const finalize = async () => track((await acme.finalizeAcmeOrder(issuer, { url: order.url, finalize: order.finalize, csrPem: input.csrPem })).value);
    const untilReady = async () => {
      order = track(
        await pollUntil(
          () => acme.getAcmeOrder(issuer, order.url),
          (o) => o.status !== 'pending',
          { what: 'order to become ready' },
        ),
      );
      if (order.status === 'ready') order = await finalize();
    };
    // Every authorization is valid now, so the order is ready (RFC 8555, 7.1.6): finalized at once,
    // as acme-client does, without a look at it first. A CA that has not caught up yet answers
    // orderNotReady, and the order is then watched until it is ready. Runs recorded before looked first.
    const finalizeFirst = isPatched('finalize-without-looking');
    if (finalizeFirst) {
      try {
        order = await finalize();
      } catch (err) {
        if (failureType(err) !== 'acme:orderNotReady') throw err;
        await untilReady();
      }
    } else await untilReady();
    // A CA that issues while it finalizes (Boulder does) has answered valid already.
    if (order.status === 'processing' || !finalizeFirst) {
      order = track(
        await pollUntil(
          () => acme.getAcmeOrder(issuer, order.url),
          (o) => o.status !== 'processing',
          { what: 'certificate to be issued' },
        ),
      );
    }
    if (order.status !== 'valid' || !order.certificate) fail(`order is ${order.status}${order.error ? `: ${order.error}` : ''}`);
    const chainPem = await acme.downloadAcmeCertificate(issuer, order.certificate!);
    object.status.certificate = asciiToBase64(chainPem);
    publish(object);
    return chainPem;
  } catch (err) {
    if (isCancellation(err)) {
      object.status.reason = 'Order cancelled: the Certificate changed or was deleted';
      publish(object);
      throw err;
    }
    if (!object.status.failureTime) fail(rootMessage(err), err);
    throw err;
  } finally {
    await slot?.release();
  }
}

async function solve(input: OrderInput, authz: AcmeAuthorizationState): Promise<void> {
  const name = challengeName(input.name, authz.identifier.value, authz.wildcard);
  await executeChild(challengeWorkflow, {
    workflowId: challengeWorkflowId(input.namespace, name),
    args: [{ namespace: input.namespace, name, orderName: input.name, issuerRef: input.issuerRef, issuer: input.issuer, authorization: authz, labels: input.labels }],
    // Cancel rather than terminate, so a challenge still cleans up its presented response.
    parentClosePolicy: 'REQUEST_CANCEL',
    priority: CHALLENGE_PRIORITY,
    staticSummary: `HTTP-01 challenge for ${authz.identifier.value} (order ${input.name})`,
    typedSearchAttributes: resourceSearchAttributes('Challenge', input.namespace, name, input.issuerRef, challengeLabels(input.name)),
    memo: codeLevelMemo(),
  });
}
