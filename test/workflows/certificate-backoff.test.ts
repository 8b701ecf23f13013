// Failed issuances back off min × 2^(n-1), capped at max (cert-manager's 1 h and 32 h here, the
// defaults), reset on success, and are skipped when the spec changes. The test server's clock is
// moved by hand, so each wait is shown to be neither shorter nor longer than the schedule says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { CertificateObject } from '../../resources/objects.ts';
import { certificateUnderTest, isReady, NAMESPACE } from '../support/certificate-driver.ts';
import type { FakeActivities } from '../support/fake-activities.ts';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../support/time-skipping.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let env: WorkflowTestEnv;
before(async () => (env = await startWorkflowTestEnv()));
after(async () => env?.teardown());

function refuseOrders(fakes: FakeActivities): void {
  fakes.override('createAcmeOrder', async () => {
    throw ApplicationFailure.nonRetryable('Error creating new order :: name is forbidden by policy', 'urn:ietf:params:acme:error:rejectedIdentifier');
  });
}

const issuing = (o: CertificateObject) => o.status.conditions.find((c) => c.type === 'Issuing');

/** The failure the Certificate shows once it backs off after its `n`th failed attempt. */
function backingOff(n: number) {
  return (o: CertificateObject) => o.status.failedIssuanceAttempts === n && /Next attempt at/.test(issuing(o)?.message ?? '');
}

/** The backoff the Certificate announces: next attempt minus last failure, in ms. */
function announcedWait(o: CertificateObject): number {
  const next = /Next attempt at (\S+)\.$/.exec(issuing(o)!.message)![1]!;
  return Date.parse(next) - Date.parse(o.status.lastFailureTime!);
}

test('failed issuances back off 1h, 2h, 4h ... capped at 32h, each wait neither shorter nor longer', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'backoff');
  refuseOrders(fakes);
  await cert.apply();
  const schedule = [1, 2, 4, 8, 16, 32, 32].map((h) => h * HOUR);
  let previousFailure: number | undefined;
  for (const [i, wait] of schedule.entries()) {
    const n = i + 1;
    const o = await cert.until(`failed attempt ${n} and its backoff`, backingOff(n));
    const failedAt = Date.parse(o.status.lastFailureTime!);
    if (previousFailure !== undefined) {
      const gap = failedAt - previousFailure;
      assert.ok(gap >= schedule[i - 1]! - 1000 && gap <= schedule[i - 1]! + 3 * MINUTE, `attempt ${n} came ${gap / MINUTE} min after the last failure`);
    }
    assert.equal(announcedWait(o), wait, `after ${n} failures the Certificate announces ${wait / HOUR}h`);
    assert.match(issuing(o)!.message, /name is forbidden by policy/, 'the ACME problem is shown');
    assert.equal(issuing(o)!.reason, 'Failed');
    assert.equal(isReady(o), false);
    assert.equal(fakes.calls('createAcmeOrder').length, n);
    if (n === schedule.length) break;
    await env.skip(failedAt + wait - MINUTE - (await env.env.currentTimeMs()));
    assert.equal(fakes.calls('createAcmeOrder').length, n, `no attempt ${n + 1} a minute before its backoff ends`);
    await env.skip(2 * MINUTE);
    previousFailure = failedAt;
  }
});

test('a success resets the backoff: the next failure waits 1h again', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'reset');
  refuseOrders(fakes);
  await cert.apply();
  await cert.until('failed attempt 1', backingOff(1));
  await env.skip(HOUR + MINUTE);
  const second = await cert.until('failed attempt 2', backingOff(2));
  assert.equal(announcedWait(second), 2 * HOUR);

  fakes.restore('createAcmeOrder');
  await env.skip(2 * HOUR + MINUTE);
  const issued = await cert.until('revision 1', (o) => o.status.revision === 1 && isReady(o));
  assert.equal(issued.status.failedIssuanceAttempts, undefined);
  assert.equal(issued.status.lastFailureTime, undefined);
  assert.equal(issuing(issued), undefined);
  await cert.idle();

  // The Secret disappears and the CA refuses again: the count starts over.
  refuseOrders(fakes);
  fakes.secrets.delete(`${NAMESPACE}/reset-tls`);
  await cert.secretChanged(); // as the worker does when the store's watch sees it
  const o = await cert.until('a new first failure', backingOff(1));
  assert.equal(announcedWait(o), HOUR);
});

test('a spec change during the backoff issues at once, for the new spec', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'respec-backoff');
  refuseOrders(fakes);
  await cert.apply({ dnsNames: ['refused.example.com'] });
  await cert.until('failed attempt 1', backingOff(1));
  fakes.restore('createAcmeOrder');
  // No clock moves from here on: a Certificate still waiting out its 1h backoff would never issue.
  assert.equal(await cert.apply({ dnsNames: ['allowed.example.com'] }), 'configured');
  const o = await cert.until('the new spec issued', (x) => x.status.revision === 1 && isReady(x));
  assert.deepEqual(
    fakes.calls('createAcmeOrder').map(([, ids]) => ids.map((i) => i.value)),
    [['refused.example.com'], ['allowed.example.com']],
  );
  assert.equal(o.status.failedIssuanceAttempts, undefined);
});

test('a renew during the backoff issues at once', async (t) => {
  const { fakes, cert } = await certificateUnderTest(env, t, 'renew-backoff');
  refuseOrders(fakes);
  await cert.apply();
  await cert.until('failed attempt 1', backingOff(1));
  fakes.restore('createAcmeOrder');
  await cert.renew();
  await cert.until('revision 1', (x) => x.status.revision === 1 && isReady(x));
  assert.equal(fakes.calls('createAcmeOrder').length, 2);
});
