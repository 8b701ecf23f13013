// What happens to an issuance in flight when a renew, a spec change or a delete arrives, with the
// ACME calls held at gates so each race is staged exactly instead of hoped for.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { certificateUnderTest, childRun, currentRun, eventually, isReady, NAMESPACE, statusOf } from '../support/certificate-driver.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';
import { orderWorkflowId } from '../../resources/ids.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

test('a renew during an issuance is that issuance; a renew after it starts the next revision', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'renew-race');
  const selfCheck = fakes.hold('selfCheckHttp01');
  assert.equal(await cert.apply(), 'created');
  await selfCheck.entered;
  assert.equal((await cert.object()).status.currentRequest, 'renew-race-1');

  await cert.renew();
  await cert.signalsHandled();
  selfCheck.release();
  await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  await cert.idle();

  assert.equal(fakes.calls('generateKeyAndCsr').length, 1, 'one key and CSR: the renew did not start a second issuance');
  assert.equal(fakes.calls('createAcmeOrder').length, 1);
  assert.equal(await statusOf(env.client, cert.requestId(1)), 'COMPLETED');
  assert.equal(await statusOf(env.client, cert.requestId(2)), undefined, 'no second CertificateRequest');

  await cert.renew();
  const o = await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x));
  assert.equal(await statusOf(env.client, cert.requestId(2)), 'COMPLETED');
  assert.deepEqual(
    fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision),
    [1, 2],
  );
  assert.equal(o.status.failedIssuanceAttempts, undefined);
});

test('a spec change mid-order cancels the issuance (its challenge cleans up) and issues the new spec', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'respec');
  const selfCheck = fakes.hold('selfCheckHttp01');
  await cert.apply({ dnsNames: ['old.example.com'] });
  const [dnsName, token] = await selfCheck.entered;
  assert.equal(dnsName, 'old.example.com');
  assert.ok(fakes.presented.has(token), 'the challenge response is being served');
  const request = await currentRun(env.client, cert.requestId(1));
  const order = await childRun(env.client, request, orderWorkflowId(NAMESPACE, 'respec-1-'));
  const challenge = await childRun(env.client, order, `challenge/${NAMESPACE}/`);

  assert.equal(await cert.apply({ dnsNames: ['new.example.com'] }), 'configured');
  // The held self-check never returns: everything below is the cancellation's doing.
  await eventually('the old challenge to clean up', () => fakes.calls('cleanupHttp01').some(([t]) => t === token));
  const o = await cert.until('the new spec issued', (x) => x.status.revision === 1 && isReady(x) && x.metadata.generation === 2);

  assert.equal(await statusOf(env.client, challenge.workflowId, challenge.runId), 'CANCELLED');
  assert.equal(await statusOf(env.client, order.workflowId, order.runId), 'CANCELLED');
  assert.equal(await statusOf(env.client, request.workflowId, request.runId), 'CANCELLED');
  const reissued = await currentRun(env.client, cert.requestId(1));
  assert.notEqual(reissued.runId, request.runId, 'a new CertificateRequest run for the new spec');
  assert.equal(await statusOf(env.client, reissued.workflowId, reissued.runId), 'COMPLETED');
  assert.deepEqual(
    fakes.calls('createAcmeOrder').map(([, ids]) => ids.map((i) => i.value)),
    [['old.example.com'], ['new.example.com']],
  );
  assert.deepEqual(fakes.secrets.get(`${NAMESPACE}/respec-tls`)?.dnsNames, ['new.example.com']);
  assert.deepEqual([...fakes.presented], [], 'no challenge response left served');
  assert.equal(o.status.currentRequest, undefined);
  await eventually('the held self-check to be told it was cancelled', () => selfCheck.cancelled);
});

test('a delete mid-order cancels the issuance, cleans up the challenge, ends the workflow and deletes the Secret when asked', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'gone');
  await cert.apply();
  await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  assert.ok(fakes.secrets.has(`${NAMESPACE}/gone-tls`));

  const selfCheck = fakes.hold('selfCheckHttp01');
  await cert.renew();
  const [, token] = await selfCheck.entered;
  const request = await currentRun(env.client, cert.requestId(2));
  await cert.delete(true);

  await cert.handle.result();
  assert.equal(await statusOf(env.client, cert.handle.workflowId), 'COMPLETED');
  assert.equal(await statusOf(env.client, request.workflowId, request.runId), 'CANCELLED');
  assert.ok(
    fakes.calls('cleanupHttp01').some(([t]) => t === token),
    'the challenge cleaned up',
  );
  assert.deepEqual([...fakes.presented], []);
  assert.deepEqual(
    fakes.calls('removeCertificateData').map(([ref, deleteSecret]) => [ref.secretName, deleteSecret]),
    [['gone-tls', true]],
  );
  assert.equal(fakes.secrets.has(`${NAMESPACE}/gone-tls`), false, 'deleteSecret=true removed the Secret');
  assert.equal(fakes.calls('generateKeyAndCsr').length, 2, 'nothing issued after the delete');
});

test('a delete without deleteSecret mid-order keeps the Secret', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'kept');
  await cert.apply();
  await cert.until('revision 1', (o) => o.status.revision === 1);
  const selfCheck = fakes.hold('selfCheckHttp01');
  await cert.renew();
  await selfCheck.entered;
  await cert.delete(false);
  await cert.handle.result();
  assert.deepEqual(
    fakes.calls('removeCertificateData').map(([, deleteSecret]) => deleteSecret),
    [false],
  );
  assert.ok(fakes.secrets.has(`${NAMESPACE}/kept-tls`));
  assert.deepEqual([...fakes.presented], []);
});
