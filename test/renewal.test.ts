// Renewal against real Temporal and real Pebble: certificates renew by themselves on schedule,
// ACME Renewal Information (RFC 9773) moves renewal earlier and is named in the new order's
// `replaces`, an Issuer can turn ARI off, and the long-lived Certificate workflow keeps its
// history short by continuing-as-new.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedManifests, startTestEnv, waitFor, waitReady, type TestEnv } from './support/env.ts';
import {
  ariCertId,
  getCertificate,
  isReady,
  listOrders,
  requestLeaf,
  requestReason,
  setRenewalInfo,
  stableSnapshot,
  replacesPebbleAccepts,
  type CertificateDoc,
} from './support/renewal-helpers.ts';

const ms = (iso: string | undefined) => {
  assert.ok(iso, 'a timestamp');
  return new Date(iso).getTime();
};
const isoSeconds = (d: Date | number) => new Date(Math.floor(new Date(d).getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** The default lifetime rule: renew when two thirds of the lifetime have passed (floored to seconds). */
const twoThirds = (c: CertificateDoc) => {
  const nb = ms(c.status.notBefore);
  return Math.floor((nb + ((ms(c.status.notAfter) - nb) * 2) / 3) / 1000) * 1000;
};
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const renew = (env: TestEnv, ns: string, name: string) => env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificates/${name}/renew`, { method: 'POST' });

describe('renewal on schedule, without any signal', () => {
  // Short enough that two renewals fit in well under a minute, long enough that an issuance
  // (about 1-2 s against Pebble) is a small part of the lifetime.
  const VALIDITY_S = 24;
  const ns = 'default';
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ pebble: { profiles: { default: { description: 'short-lived', validityPeriod: VALIDITY_S } } } });
  });
  after(async () => env?.stop());

  test('a short-lived certificate renews by itself to revisions 2 and 3, each a new certificate issued on time', async (t) => {
    const started = Date.now();
    // Every request stays listed (the default keeps the last one only): the test reads them all.
    assert.equal((await env.apply(seedManifests(env, { namespace: ns, certificateSpec: { revisionHistoryLimit: 3 } }))).status, 200);
    await waitReady(env, ns, 'web');

    // Poll the status often enough to see every revision (an issuance takes over a second).
    const last = new Map<number, CertificateDoc>();
    const sequence: number[] = [];
    const notReady: string[] = [];
    await waitFor(
      'revision 3',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        const r = c.status.revision ?? 0;
        if (sequence.at(-1) !== r) sequence.push(r);
        last.set(r, c);
        if (!isReady(c)) notReady.push(`revision ${r}: ${JSON.stringify(c.status.conditions)}`);
        return r >= 3 ? c : undefined;
      },
      120_000,
      150,
    );
    const elapsed = (Date.now() - started) / 1000;

    assert.deepEqual(sequence, [1, 2, 3], `revisions observed in order, one at a time (took ${elapsed.toFixed(1)} s)`);
    assert.deepEqual(notReady, [], 'the Certificate stays Ready while it renews');

    const serials = new Set<string>();
    for (const r of [1, 2, 3]) {
      const leaf = await requestLeaf(env, ns, 'web', r);
      serials.add(leaf.serialNumber);
      const reason = await requestReason(env, ns, `web-${r}`);
      assert.equal(reason, r === 1 ? 'DoesNotExist' : 'Renewing', `CertificateRequest web-${r} was started because ${reason}`);
      if (r === 3) continue;
      // The status of revision r as last seen before revision r+1 took over describes leaf r.
      const c = last.get(r)!;
      assert.equal(c.status.notBefore, isoSeconds(new Date(leaf.validFrom)), `revision ${r} notBefore`);
      assert.equal(c.status.notAfter, isoSeconds(new Date(leaf.validTo)), `revision ${r} notAfter`);
      const at = ms(c.status.renewalTime);
      assert.ok(
        at >= ms(c.status.notBefore) && at <= ms(c.status.notAfter),
        `revision ${r} renewalTime ${c.status.renewalTime} inside [${c.status.notBefore}, ${c.status.notAfter}]`,
      );
      assert.ok(at <= twoThirds(c), `revision ${r} renewalTime ${c.status.renewalTime} no later than the 2/3 point`);
      // Pebble's window for so short a certificate is its whole lifetime; the service picks a
      // moment in it and renews at whichever comes first.
      const info = c.status.renewalInfo;
      assert.equal(info?.certID, ariCertId(leaf), `revision ${r} renewalInfo is about its own certificate`);
      const selected = ms(info!.selectedTime);
      assert.ok(selected >= ms(info!.suggestedWindow!.start) && selected <= ms(info!.suggestedWindow!.end), `revision ${r} selectedTime inside the window`);
      assert.equal(c.status.renewalTime, isoSeconds(Math.min(twoThirds(c), selected)), `revision ${r} renewalTime = min(2/3 point, selectedTime)`);
      // The next revision was requested at the renewal time: not before it, and not long after.
      const next = await env.client.workflow.getHandle(`certificaterequest/${ns}/web-${r + 1}`).describe();
      const startedAt = next.startTime.getTime();
      assert.ok(startedAt >= at, `web-${r + 1} started at ${next.startTime.toISOString()}, not before renewalTime ${c.status.renewalTime}`);
      assert.ok(startedAt <= at + 5_000, `web-${r + 1} started at ${next.startTime.toISOString()}, within 5 s of renewalTime ${c.status.renewalTime}`);
    }
    assert.equal(serials.size, 3, 'three different serial numbers');
    // Each renewal's order names the certificate it replaces (RFC 9773).
    const orders = await listOrders(env, ns);
    for (const r of [1, 2, 3]) {
      const o = orders.find((x) => x.metadata.name.startsWith(`web-${r}-`));
      assert.ok(o, `an Order for web-${r} in ${orders.map((x) => x.metadata.name).join(', ')}`);
      assert.equal(
        o.spec.replaces,
        r === 1 ? undefined : replacesPebbleAccepts(ariCertId(await requestLeaf(env, ns, 'web', r - 1))),
        `web-${r}'s order replaces revision ${r - 1}`,
      );
    }
    t.diagnostic(
      `revision 3 after ${elapsed.toFixed(1)} s; renewal times ${[1, 2].map((r) => `${last.get(r)!.status.notBefore}..${last.get(r)!.status.renewalTime}..${last.get(r)!.status.notAfter}`).join(', ')}`,
    );

    // The Secret holds the certificate of whatever revision is current, and its renewal time is
    // inside that certificate's validity.
    const { cert, leaf } = await stableSnapshot(env, ns, 'web', 'web-tls');
    const current = await requestLeaf(env, ns, 'web', cert.status.revision!);
    assert.equal(leaf.serialNumber, current.serialNumber, `tls.crt is revision ${cert.status.revision}'s certificate`);
    assert.equal(cert.status.notAfter, isoSeconds(new Date(leaf.validTo)));
    const at = ms(cert.status.renewalTime);
    assert.ok(
      at >= ms(cert.status.notBefore) && at <= ms(cert.status.notAfter),
      `renewalTime ${cert.status.renewalTime} inside [${cert.status.notBefore}, ${cert.status.notAfter}]`,
    );
  });
});

describe('ACME Renewal Information', () => {
  const ns = 'default';
  let env: TestEnv;
  before(async () => {
    // Pebble answers renewalInfo with Retry-After: 6h; the bounds bring the re-check to 1-2 s.
    env = await startTestEnv({ config: { ARI_RECHECK_MIN: '1s', ARI_RECHECK_MAX: '2s' } });
  });
  after(async () => env?.stop());

  let certId1 = '';

  test('the status shows the CA window, a moment chosen in it, and renewal no later than the lifetime rule', async (t) => {
    // Revision 1's request and Order stay listed after the renewal: the next test reads them.
    assert.equal((await env.apply(seedManifests(env, { namespace: ns, certificateSpec: { revisionHistoryLimit: 2 } }))).status, 200);
    await waitReady(env, ns, 'web');
    const cert = await waitFor(
      'status.renewalInfo',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return c.status.renewalInfo?.suggestedWindow ? c : undefined;
      },
      30_000,
    );
    const { leaf } = await stableSnapshot(env, ns, 'web', 'web-tls');
    const info = cert.status.renewalInfo!;
    assert.equal(cert.status.revision, 1);
    assert.equal(info.certID, ariCertId(leaf), 'certID is base64url(AKI).base64url(serial) of the leaf');
    assert.equal(info.error, undefined);
    const start = ms(info.suggestedWindow!.start);
    const end = ms(info.suggestedWindow!.end);
    assert.ok(start < end, 'window start before end');
    assert.ok(start >= ms(cert.status.notBefore) && end <= ms(cert.status.notAfter), 'window inside the validity');
    const selected = ms(info.selectedTime);
    t.diagnostic(
      `validity ${cert.status.notBefore}..${cert.status.notAfter}, window ${info.suggestedWindow!.start}..${info.suggestedWindow!.end}, selected ${info.selectedTime}, renewalTime ${cert.status.renewalTime}`,
    );
    assert.ok(selected >= start && selected <= end, `selectedTime ${info.selectedTime} inside [${info.suggestedWindow!.start}, ${info.suggestedWindow!.end}]`);
    assert.ok(ms(cert.status.renewalTime) <= twoThirds(cert), `renewalTime ${cert.status.renewalTime} no later than the 2/3 point`);
    assert.equal(cert.status.renewalTime, isoSeconds(Math.min(twoThirds(cert), selected)), 'renewalTime = min(lifetime rule, selectedTime)');
    // Retry-After (6h) clamped to ARI_RECHECK_MAX (2s).
    const recheck = ms(info.nextCheck) - ms(info.lastChecked);
    assert.ok(recheck >= 1_000 && recheck <= 3_000, `next check ${recheck} ms after the last one`);
    // ...and the re-check really happens, keeping the chosen moment while the window stays put.
    const later = await waitFor(
      'a later ARI check',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return c.status.renewalInfo && ms(c.status.renewalInfo.lastChecked) > ms(info.lastChecked) ? c : undefined;
      },
      15_000,
    );
    assert.equal(later.status.renewalInfo!.selectedTime, info.selectedTime, 'same window, same chosen moment');
    assert.equal(later.status.revision, 1);
    certId1 = info.certID;
  });

  test('a window in the past makes the Certificate renew promptly, and the new order replaces the old certificate', async (t) => {
    assert.ok(certId1, 'the previous test recorded revision 1');
    const { pem, cert } = await stableSnapshot(env, ns, 'web', 'web-tls');
    assert.equal(cert.status.revision, 1);
    const now = Date.now();
    await setRenewalInfo(env.pebble, pem, { start: new Date(now - 2 * 3600_000), end: new Date(now - 3600_000) });
    const t0 = Date.now();
    await waitReady(env, ns, 'web', 30_000, 2);
    const took = Date.now() - t0;
    assert.ok(took < 30_000, `renewed ${took} ms after the window moved`);
    t.diagnostic(`revision 2 Ready ${took} ms after the window moved into the past`);
    assert.equal(await requestReason(env, ns, 'web-2'), 'Renewing');

    const orders = await waitFor(
      'orders of revisions 1 and 2',
      async () => {
        const items = await listOrders(env, ns);
        const o1 = items.find((o) => o.metadata.name.startsWith('web-1-'));
        const o2 = items.find((o) => o.metadata.name.startsWith('web-2-'));
        return o1 && o2 ? { o1, o2 } : undefined;
      },
      10_000,
    );
    assert.equal(orders.o1.spec.replaces, undefined, 'the first order replaces nothing');
    assert.equal(orders.o2.spec.replaces, replacesPebbleAccepts(certId1), "revision 2's order replaces revision 1's certificate (ARI certID)");
    assert.equal(orders.o2.status.state, 'valid');

    // The new certificate gets its own renewal information (a normal window), so no further renewal.
    const c2 = await waitFor(
      'renewalInfo of revision 2',
      async () => {
        const c = await getCertificate(env, ns, 'web');
        return c.status.renewalInfo?.suggestedWindow ? c : undefined;
      },
      15_000,
    );
    const { leaf: leaf2 } = await stableSnapshot(env, ns, 'web', 'web-tls');
    assert.notEqual(c2.status.renewalInfo!.certID, certId1);
    assert.equal(c2.status.renewalInfo!.certID, ariCertId(leaf2));
    assert.ok(ms(c2.status.renewalTime) > Date.now(), `renewalTime ${c2.status.renewalTime} is in the future`);
    await sleep(3_000); // one more ARI re-check cycle (2 s)
    const settled = await getCertificate(env, ns, 'web');
    assert.equal(settled.status.revision, 2, 'no renewal loop after the ARI-driven renewal');
    assert.ok(isReady(settled));
  });
});

describe('ACME Renewal Information turned off on the Issuer', () => {
  const ns = 'no-ari';
  let env: TestEnv;
  before(async () => {
    // Short re-check bounds, so renewal information would show up within seconds if it were asked for.
    env = await startTestEnv({ config: { ARI_RECHECK_MIN: '1s', ARI_RECHECK_MAX: '2s' } });
  });
  after(async () => env?.stop());

  test('disableRenewalInfo: no renewalInfo in the status, the lifetime rule, and orders without replaces', async () => {
    const manifests = seedManifests(env, {
      namespace: ns,
      issuer: 'pebble-no-ari',
      certificate: 'web',
      acme: { disableRenewalInfo: true },
      certificateSpec: { revisionHistoryLimit: 2 },
    });
    const res = await env.apply(manifests);
    assert.equal(res.status, 200, await res.clone().text());
    await waitReady(env, ns, 'web');
    await sleep(3_000); // longer than an ARI re-check would take with these bounds
    const cert = await getCertificate(env, ns, 'web');
    assert.equal(cert.status.revision, 1);
    assert.equal(cert.status.renewalInfo, undefined, `no renewalInfo: ${JSON.stringify(cert.status.renewalInfo)}`);
    assert.equal(ms(cert.status.renewalTime), twoThirds(cert), 'renewalTime follows the lifetime rule alone');

    const renewed = await renew(env, ns, 'web');
    assert.equal(renewed.status, 202);
    await waitReady(env, ns, 'web', 60_000, 2);
    assert.equal(await requestReason(env, ns, 'web-2'), 'ManuallyTriggered');
    const orders = await waitFor(
      'two orders',
      async () => {
        const items = await listOrders(env, ns);
        return items.length >= 2 ? items : undefined;
      },
      10_000,
    );
    assert.deepEqual(orders.map((o) => `${o.metadata.name.replace(/-[0-9a-f]{8}$/, '')} replaces=${o.spec.replaces ?? '-'}`).sort(), ['web-1 replaces=-', 'web-2 replaces=-']);
    await sleep(2_500);
    const after2 = await getCertificate(env, ns, 'web');
    assert.equal(after2.status.revision, 2);
    assert.equal(after2.status.renewalInfo, undefined);
  });
});

describe('the Certificate workflow continues-as-new', () => {
  const ns = 'default';
  const workflowId = `certificate/${ns}/web`;
  // The server suggests continue-as-new once a run's history passes 20 events. With a 1 s resync
  // an idle Certificate adds roughly 10 events a second, so without continue-as-new a run's
  // history would grow far past the bound checked below.
  const SUGGEST_AT = 20;
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      temporalDynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_AT },
      config: { CERTIFICATE_RESYNC_PERIOD: '1s' },
    });
  });
  after(async () => env?.stop());

  const runs = async () => {
    const out: { runId: string; status: string; startTime: Date }[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      out.push({ runId: wf.runId, status: wf.status.name, startTime: wf.startTime });
    }
    return out.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  };

  test('three forced renewals and idle resyncs later: several runs, a short current history, same spec, revision 4', async (t) => {
    assert.equal((await env.apply(seedManifests(env, { namespace: ns }))).status, 200);
    const first = (await waitReady(env, ns, 'web')) as unknown as CertificateDoc;
    const spec = first.spec;
    const generation = first.metadata.generation;

    for (const revision of [2, 3, 4]) {
      const res = await renew(env, ns, 'web');
      assert.equal(res.status, 202, `renew for revision ${revision}`);
      const c = await waitReady(env, ns, 'web', 60_000, revision);
      assert.equal(c.status.revision, revision, 'one renew signal, one new revision');
    }
    const afterRenewals = await runs();

    // Idle: only resyncs run now; the history-length suggestion alone must bring new runs.
    await sleep(8_000);
    const all = await waitFor(
      'a run started by an idle continue-as-new',
      async () => {
        const r = await runs();
        return r.length > afterRenewals.length ? r : undefined;
      },
      10_000,
      500,
    );
    const continued = all.filter((r) => r.status === 'CONTINUED_AS_NEW');
    const running = all.filter((r) => r.status === 'RUNNING');
    assert.equal(running.length, 1, `one running run: ${JSON.stringify(all)}`);
    assert.ok(continued.length >= 4, `each issuance continued-as-new: ${continued.length} of ${all.length} runs`);
    assert.ok(all.length > afterRenewals.length, `idle resyncs also continue-as-new (${afterRenewals.length} runs after the renewals, ${all.length} now)`);

    const desc = await env.client.workflow.getHandle(workflowId).describe();
    assert.notEqual(desc.runId, all[0]!.runId, 'the current run is not the first one');
    assert.equal(desc.status.name, 'RUNNING');
    // A run continues-as-new at the top of its loop once the server suggests it (over 20 events);
    // one loop iteration adds fewer than 40 events (an issuance with its child workflow included).
    const events = (await env.client.workflow.getHandle(workflowId, desc.runId).fetchHistory()).events ?? [];
    assert.ok(events.length < 60, `current run history has ${events.length} events`);
    const counts: number[] = [];
    for (const r of all) {
      const n = ((await env.client.workflow.getHandle(workflowId, r.runId).fetchHistory()).events ?? []).length;
      counts.push(n);
      assert.ok(n < 100, `run ${r.runId} (${r.status}) has ${n} events`);
    }
    t.diagnostic(`${all.length} runs (${afterRenewals.length} after the renewals), events per run: ${counts.join(' ')}; current run ${events.length}`);

    const cert = await getCertificate(env, ns, 'web');
    assert.ok(isReady(cert), JSON.stringify(cert.status.conditions));
    assert.equal(cert.status.revision, 4);
    assert.deepEqual(cert.spec, spec, 'the spec survived every continue-as-new');
    assert.equal(cert.metadata.generation, generation);
    const { leaf } = await stableSnapshot(env, ns, 'web', 'web-tls');
    assert.equal(leaf.serialNumber, (await requestLeaf(env, ns, 'web', 4)).serialNumber, 'tls.crt is revision 4');
  });
});
