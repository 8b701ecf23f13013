// The Certificate continues-as-new after every issuance. A renew sent while that happens (while
// the task that continues-as-new is still running, or just as the new run starts) must not be
// lost: it issues the next revision.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { certificateUnderTest, isReady, statusOf } from '../support/certificate-driver.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

// The task that continues-as-new fails (UnhandledCommand) because the signal arrived meanwhile;
// in its retry the signal is applied before the CertificateRequest's result in the same
// activation. workflows/renew-signal.ts judges it after the activation, so it is not lost.

test('a renew sent while the issuing run stores its certificate and continues-as-new issues the next revision', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'can-store');
  const store = fakes.hold('storeCertificate');
  await cert.apply();
  await store.entered;
  const firstRun = (await cert.handle.describe()).runId;
  // The request is done; the run's last step before continuing-as-new is this held store.
  await cert.renew();
  store.release();

  const o = await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x), 15_000);
  assert.deepEqual(fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision), [1, 2]);
  assert.equal(await statusOf(env.client, cert.requestId(2)), 'COMPLETED');
  assert.notEqual((await cert.handle.describe()).runId, firstRun);
  assert.equal(o.status.failedIssuanceAttempts, undefined);
});

test('a renew sent as the new run starts, before its first look at the Secret, issues the next revision', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'can-start');
  const store = fakes.hold('storeCertificate');
  await cert.apply();
  await store.entered;
  // The new run's first activity: hold it too, and renew while it runs.
  const inspect = fakes.hold('inspectCertificateSecret');
  store.release();
  await inspect.entered;
  await cert.renew();
  inspect.release();

  await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x));
  assert.deepEqual(fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision), [1, 2]);
  await cert.idle();
  assert.equal(await statusOf(env.client, cert.requestId(3)), undefined, 'one renew, one new revision');
});

test('renews sent in a burst right after an issuance are one re-issue, not one each', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'can-burst');
  const store = fakes.hold('storeCertificate');
  await cert.apply();
  await store.entered;
  await Promise.all([cert.renew(), cert.renew(), cert.renew()]);
  store.release();
  await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x), 15_000);
  await cert.idle();
  assert.deepEqual(fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision), [1, 2]);
});
