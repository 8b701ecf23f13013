// An idle Certificate wakes for a change to its Secret (the secretChanged signal the worker sends
// when the store's watch sees one) and otherwise only at its renewal time or its resync, which
// is spread ±10 % around the period. The test server's clock only moves when a test moves it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { certificateUnderTest, isReady, NAMESPACE } from '../support/certificate-driver.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

test('a deleted Secret is issued again at the secretChanged signal, without the clock moving', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'touched');
  await cert.apply();
  await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  await cert.idle();

  fakes.secrets.delete(`${NAMESPACE}/touched-tls`);
  await cert.secretChanged();
  const o = await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x));
  assert.deepEqual(
    fakes.calls('generateKeyAndCsr').map(([, , revision]) => revision),
    [1, 2],
  );
  assert.equal(o.status.failedIssuanceAttempts, undefined);
});

test('a secretChanged signal with the Secret intact is one more look and no issuance', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'untouched');
  await cert.apply();
  await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  await cert.idle();
  const looks = fakes.calls('inspectCertificateSecret').length;

  await cert.secretChanged();
  await cert.signalsHandled();
  await cert.idle();
  assert.equal(fakes.calls('inspectCertificateSecret').length, looks + 1, 'the Secret was looked at once more');
  assert.equal(fakes.calls('generateKeyAndCsr').length, 1, 'nothing issued');
  assert.equal((await cert.object()).status.revision, 1);
});

test('without a signal, a deleted Secret is found by the resync: not before 9 h, by 11 h', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'unwatched');
  await cert.apply();
  await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  await cert.idle();

  fakes.secrets.delete(`${NAMESPACE}/unwatched-tls`);
  await env.skip(9 * HOUR - MINUTE);
  await cert.idle();
  assert.equal((await cert.object()).status.revision, 1, 'still asleep before 9 h (10 h - 10 %)');
  assert.equal(fakes.calls('generateKeyAndCsr').length, 1);

  await env.skip(2 * HOUR + 2 * MINUTE);
  await cert.until('revision 2', (x) => x.status.revision === 2 && isReady(x));
});
