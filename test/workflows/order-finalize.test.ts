// An Order finalizes as soon as its authorizations are valid, as acme-client does, without first
// asking the CA whether the order is ready; a CA that has not caught up yet answers orderNotReady,
// and the Order then watches the order until it is ready.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { orderWorkflowId } from '../../resources/ids.ts';
import { NAMESPACE } from '../support/certificate-driver.ts';
import { FAKE_ISSUER, type FakeActivities } from '../support/fake-activities.ts';
import { startWorkflowTestEnv, type WorkerUnderTest, type WorkflowTestEnv } from '../support/time-skipping.ts';
import type { orderWorkflow } from '../../workflows/order.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

async function runOrder(worker: WorkerUnderTest, name: string): Promise<string> {
  const handle = await env.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
    workflowId: orderWorkflowId(NAMESPACE, name),
    taskQueue: worker.taskQueue,
    args: [
      {
        namespace: NAMESPACE,
        name,
        requestName: name,
        issuerRef: { name: 'fake-ca', kind: 'Issuer', group: 'cert-manager.io' },
        issuer: FAKE_ISSUER,
        dnsNames: [`${name}.example.com`],
        ipAddresses: [],
        csrPem: `csr of ${name}`,
        labels: {},
      },
    ],
  });
  worker.roots.add(handle.workflowId);
  return handle.result();
}

/** The ACME calls about the order itself after its challenges, in order. */
const afterChallenges = (fakes: FakeActivities) => fakes.log.map((c) => c.name).filter((n) => n === 'getAcmeOrder' || n === 'finalizeAcmeOrder' || n === 'downloadAcmeCertificate');

test('an Order whose authorizations are valid finalizes at once, without looking at the order first', async (t) => {
  const worker = await env.startWorker();
  t.after(() => worker.stop());
  const chain = await runOrder(worker, 'at-once');
  assert.match(chain, /BEGIN CERTIFICATE/);
  assert.deepEqual(afterChallenges(worker.fakes), ['finalizeAcmeOrder', 'downloadAcmeCertificate']);
});

test('a CA that answers orderNotReady is watched until the order is ready, then finalized', async (t) => {
  const worker = await env.startWorker();
  t.after(() => worker.stop());
  worker.fakes.override('finalizeAcmeOrder', async () => {
    worker.fakes.restore('finalizeAcmeOrder');
    throw ApplicationFailure.create({ type: 'acme:orderNotReady', message: 'fake CA: order is pending, not ready', nonRetryable: true });
  });
  const chain = await runOrder(worker, 'lagging');
  assert.match(chain, /BEGIN CERTIFICATE/);
  assert.deepEqual(afterChallenges(worker.fakes), ['finalizeAcmeOrder', 'getAcmeOrder', 'finalizeAcmeOrder', 'downloadAcmeCertificate']);
});
