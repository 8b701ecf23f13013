// CertificateRequest: one issuance of one revision. Approval, then dispatch by issuer type
// (ACME: an Order child) and return the PEM chain.
import { ApplicationFailure, executeChild, isCancellation, setHandler } from '@temporalio/workflow';
import { codeLevelMemo } from '../resources/code-level.ts';
import { resourceSearchAttributes } from '../resources/search-attributes.ts';
import { Annotation } from '../resources/annotations.ts';
import { asciiToBase64 } from '../resources/base64.ts';
import { Reason } from '../resources/condition-reasons.ts';
import { ConditionType } from '../resources/condition-types.ts';
import { isoSeconds, setCondition } from '../resources/conditions.ts';
import { orderName, orderWorkflowId } from '../resources/ids.ts';
import { orderLabels } from '../resources/owner-labels.ts';
import { ORDER_PRIORITY } from '../resources/task-priority.ts';
import { getCertificateRequest, orderSlotWaiting } from '../resources/messages.ts';
import type { CertificateRequestObject } from '../resources/objects.ts';
import type { CertificateSpec } from '../resources/types.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import { rootMessage } from './failure.ts';
import { orderWorkflow } from './order.ts';
import { tellParent } from './order-slot.ts';
import { isPatchedOnRarePath, refuseRunsAboveLevel } from './patches.ts';
import { slotWaitNotices } from './slot-wait-notices.ts';
import { objectPublisher } from './publish.ts';

export { getCertificateRequest };

export interface CertificateRequestInput {
  namespace: string;
  name: string;
  certificateName: string;
  revision: number;
  csrPem: string;
  spec: CertificateSpec;
  labels: Record<string, string>;
  /** RFC 9773 certID of the certificate being renewed, passed on to the ACME order. */
  replaces?: string;
  /** The issuer as the Certificate just found it Ready (the Certificate waits for that). */
  issuer: AcmeIssuerContext;
}

export interface IssuedChain {
  chainPem: string;
  caPem?: string;
}

export async function certificateRequestWorkflow(input: CertificateRequestInput): Promise<IssuedChain> {
  refuseRunsAboveLevel();
  const { spec, namespace } = input;
  const cr: CertificateRequestObject = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'CertificateRequest',
    metadata: {
      name: input.name,
      namespace,
      labels: input.labels,
      annotations: {
        [Annotation.CertificateName]: input.certificateName,
        [Annotation.CertificateRevision]: String(input.revision),
      },
    },
    spec: { request: asciiToBase64(input.csrPem), issuerRef: spec.issuerRef, duration: spec.duration, isCA: spec.isCA, usages: spec.usages },
    status: { conditions: [] },
  };
  setHandler(getCertificateRequest, () => cr);
  const publish = objectPublisher<CertificateRequestObject>();
  const mark = (type: string, status: 'True' | 'False', reason: string, message: string) => {
    cr.status.conditions = setCondition(cr.status.conditions, { type, status, reason, message }, new Date());
    publish(cr);
  };

  const order = orderName(input.name, { dnsNames: spec.dnsNames, ipAddresses: spec.ipAddresses, csr: input.csrPem });
  const pending = `Waiting on certificate issuance from order ${namespace}/${order}`;
  // The order waits for a free order slot of the issuer: shown here, and passed on to the Certificate.
  // Runs recorded before showed a late notice; asked only when one comes, so others pay no marker.
  const notices = slotWaitNotices();
  setHandler(orderSlotWaiting, ({ message }) => {
    if (cr.status.certificate !== undefined || cr.status.failureTime !== undefined) return;
    if (notices.late(message) && isPatchedOnRarePath('late-slot-wait-ignored')) return;
    notices.seen(message);
    mark(ConditionType.Ready, 'False', Reason.Pending, message ? `${pending}. ${message}` : pending);
    tellParent(message, isPatchedOnRarePath('request-forwards-waiting-by-activity'));
  });

  // Every request made by a Certificate is approved, as cert-manager's default approver does.
  mark(ConditionType.Approved, 'True', Reason.Approved, 'Certificate request has been approved by cert-manager.io');
  try {
    const { issuer } = input;
    mark(ConditionType.Ready, 'False', Reason.Pending, pending);
    const chainPem = await executeChild(orderWorkflow, {
      workflowId: orderWorkflowId(namespace, order),
      args: [
        {
          namespace,
          name: order,
          requestName: input.name,
          issuerRef: spec.issuerRef,
          issuer,
          dnsNames: spec.dnsNames,
          ipAddresses: spec.ipAddresses,
          commonName: spec.commonName,
          csrPem: input.csrPem,
          labels: input.labels,
          replaces: input.replaces,
        },
      ],
      parentClosePolicy: 'REQUEST_CANCEL',
      priority: ORDER_PRIORITY,
      staticSummary: `ACME order for ${[...spec.dnsNames, ...spec.ipAddresses].join(', ')} (request ${input.name})`,
      typedSearchAttributes: resourceSearchAttributes('Order', namespace, order, spec.issuerRef, orderLabels(input.name)),
      memo: codeLevelMemo(),
    });
    cr.status.certificate = asciiToBase64(chainPem);
    mark(ConditionType.Ready, 'True', Reason.Issued, 'Certificate fetched from issuer successfully');
    return { chainPem };
  } catch (err) {
    if (isCancellation(err)) {
      mark(ConditionType.Ready, 'False', Reason.Cancelled, 'The request was cancelled: its Certificate changed or was deleted');
      throw err;
    }
    const message = rootMessage(err);
    cr.status.failureTime = isoSeconds(new Date());
    mark(ConditionType.Ready, 'False', Reason.Failed, `Failed to obtain certificate: ${message}`);
    // The cause is kept: the Certificate reads the ACME problem type from it (account-rejection.ts).
    throw ApplicationFailure.create({ message, type: 'CertificateRequestFailed', nonRetryable: true, cause: err instanceof Error ? err : undefined });
  }
}
