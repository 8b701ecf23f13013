// The Certificate continues-as-new at a timer's wake-up once its history is long, never right
// after an issuance (the new run's first task may be delayed by the server, and a renew or an
// apply would wait for it). A renew sent around an issuance, or as a new run starts, must not be
// lost: it issues the next revision.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { certificateUnderTest, isReady, statusOf } from '../support/certificate-driver.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

const MINUTE = 60_000;

// A renew that arrives while the run stores its certificate: in the SDK the signal is applied
// before the request's result when both are in one activation (a retried task).
// workflows/renew-signal.ts judges it after the activation, so it is not lost.

test('a renew sent while the issuing run stores its certificate issues the next revision, in the same run', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'can-store');
  const store = fakes.hold('storeCertificate');
  await cert.apply();
  await store.entered;
  const firstRun = (await cert.handle.describe()).runId;
  await cert.renew();
  store.release();

  const o = await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x), 15_000);
  assert.deepEqual(
    fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision),
    [1, 2],
  );
  assert.equal(await statusOf(env.client, cert.requestId(2)), 'COMPLETED');
  assert.equal((await cert.handle.describe()).runId, firstRun, 'issuing does not continue-as-new');
  assert.equal(o.status.failedIssuanceAttempts, undefined);
});

test('a long history continues-as-new at the resync wake-up; a renew sent as the new run starts issues the next revision', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'can-start', { historyEventsPerRun: 1, resyncMs: 10 * MINUTE });
  await cert.apply();
  await cert.until('Ready', isReady);
  await cert.idle();
  const firstRun = (await cert.handle.describe()).runId;
  // The new run's first activity: hold it, and renew while it runs.
  const inspect = fakes.hold('inspectCertificateSecret');
  // The clock stops at the resync while the held activity runs: the skip ends after the release.
  const skipped = env.skip(11 * MINUTE);
  await inspect.entered;
  assert.notEqual((await cert.handle.describe()).runId, firstRun, 'the resync wake-up continued-as-new');
  await cert.renew();
  inspect.release();
  await skipped;

  await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x));
  assert.deepEqual(
    fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision),
    [1, 2],
  );
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
  assert.deepEqual(
    fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision),
    [1, 2],
  );
});
