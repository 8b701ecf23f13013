// A Challenge always takes its HTTP-01 response down again, however it ends: cancelled while the
// self-check runs, cancelled while the response is being presented, or failed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { AcmeAuthorizationState } from '../../resources/acme-order-state.ts';
import { challengeWorkflowId } from '../../resources/ids.ts';
import { eventually, NAMESPACE } from '../support/certificate-driver.ts';
import { FAKE_ISSUER } from '../support/fake-activities.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';
import type { challengeWorkflow } from '../../workflows/challenge.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

async function startChallenge(t: { after(fn: () => Promise<void>): void }) {
  const worker = await env.startWorker();
  t.after(() => worker.stop());
  const { fakes } = worker;
  // An authorization from the fake CA, as the Order would hand it over.
  const order = await fakes.activities().createAcmeOrder(FAKE_ISSUER, [{ type: 'dns', value: 'www.example.com' }]);
  const authz: AcmeAuthorizationState = (await fakes.activities().getAcmeAuthorization(FAKE_ISSUER, order.authorizations[0]!)).value;
  const token = authz.challenges[0]!.token;
  const name = `web-1-order-${randomBytes(3).toString('hex')}`;
  const handle = await env.client.workflow.start<typeof challengeWorkflow>('challengeWorkflow', {
    workflowId: challengeWorkflowId(NAMESPACE, name),
    taskQueue: worker.taskQueue,
    // A short task timeout: a held local activity lets the worker see the cancellation sooner.
    workflowTaskTimeout: '2s',
    args: [
      {
        namespace: NAMESPACE,
        name,
        orderName: 'web-1-order',
        issuerRef: { name: 'fake-ca', kind: 'Issuer', group: 'cert-manager.io' },
        issuer: FAKE_ISSUER,
        authorization: authz,
        labels: {},
      },
    ],
  });
  worker.roots.add(handle.workflowId);
  return { fakes, handle, token };
}

async function outcome(p: Promise<unknown>): Promise<'completed' | 'cancelled' | 'failed'> {
  try {
    await p;
    return 'completed';
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) return 'cancelled';
    return 'failed';
  }
}

test('cancelled during the self-check, the challenge still cleans up its response', async (t) => {
  const { fakes, handle, token } = await startChallenge(t);
  const selfCheck = fakes.hold('selfCheckHttp01');
  await selfCheck.entered;
  assert.ok(fakes.presented.has(token));
  await handle.cancel();
  assert.equal(await outcome(handle.result()), 'cancelled');
  assert.deepEqual(fakes.calls('cleanupHttp01'), [[token]]);
  assert.equal(fakes.presented.has(token), false);
  assert.equal(fakes.calls('acceptAcmeChallenge').length, 0, 'never accepted after the cancel');
  await eventually('the self-check to be told it was cancelled', () => selfCheck.cancelled);
});

test('cancelled while presenting, the challenge still cleans up (the response may have been written)', async (t) => {
  const { fakes, handle, token } = await startChallenge(t);
  const present = fakes.hold('presentHttp01');
  await present.entered;
  await handle.cancel();
  assert.equal(await outcome(handle.result()), 'cancelled');
  assert.deepEqual(fakes.calls('cleanupHttp01'), [[token]]);
  assert.equal(fakes.calls('selfCheckHttp01').length, 0);
});

test('a challenge that fails cleans up too', async (t) => {
  const { fakes, handle, token } = await startChallenge(t);
  fakes.override('acceptAcmeChallenge', async () => {
    throw ApplicationFailure.nonRetryable('the challenge was refused', 'urn:ietf:params:acme:error:unauthorized');
  });
  assert.equal(await outcome(handle.result()), 'failed');
  assert.deepEqual(fakes.calls('cleanupHttp01'), [[token]]);
  assert.equal(fakes.presented.size, 0);
});
