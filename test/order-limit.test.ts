// Renewal storm guard against real Temporal and real Pebble: with ISSUER_MAX_CONCURRENT_ORDERS=2,
// six Certificates applied in one request all end Ready, never more than two of their ACME orders
// are in flight at once, waiting Certificates say why, and each has exactly one request. The
// server suggests continue-as-new early, so the gate carries its holders and queue over, and a
// steady stream of signals (as in a storm, where requests and re-asks never stop) cannot keep it
// from doing so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { stringify } from 'yaml';
import { orderGateWorkflowId } from '../resources/ids.ts';
import { seedManifests, startTestEnv, waitFor, type TestEnv } from './support/env.ts';

const E = proto.temporal.api.enums.v1.EventType;
const payloadText = (p: proto.temporal.api.common.v1.IPayload) => Buffer.from(p.data!).toString();
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const ns = 'storm';
const names = ['s1', 's2', 's3', 's4', 's5', 's6'];

interface Listed {
  items: { metadata: { name: string }; status: { conditions?: { type: string; status: string; message: string }[] } }[];
}

describe('a limit on concurrent orders per Issuer', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      config: { ISSUER_MAX_CONCURRENT_ORDERS: '2' },
      // Validations of up to 2 s (0, 1 or 2) keep orders open long enough that the six queue:
      // with Pebble's instant ones, orders granted in the gate's answer could end before the next began.
      pebble: { env: { PEBBLE_VA_NOSLEEP: '0', PEBBLE_VA_SLEEPTIME: '3' } },
      temporalDynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 },
    });
  });
  after(async () => env?.stop());

  test('six Certificates in one request: all Ready, at most two orders at once, one request each', async () => {
    const certificates = names.slice(1).map((n) =>
      stringify({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: n, namespace: ns },
        spec: { dnsNames: [`${n}.example.test`], secretName: `${n}-tls`, issuerRef: { name: 'pebble' } },
      }),
    );
    const gateId = orderGateWorkflowId('Issuer', ns, 'pebble');
    // 20 signals a second that change nothing (a run that holds nothing gives its slot back). A
    // gate that waited for a quiet moment to continue-as-new grew without end under them.
    const signalsInFlight = new Set<Promise<unknown>>();
    const timer = setInterval(() => {
      const sent = env.client.workflow
        .getHandle(gateId)
        .signal('releaseOrderSlot', { workflowId: 'order/storm/nobody', runId: 'none' })
        .catch(() => undefined)
        .finally(() => signalsInFlight.delete(sent));
      signalsInFlight.add(sent);
    }, 50);
    const stopNoise = async () => {
      clearInterval(timer);
      await Promise.all(signalsInFlight);
    };
    const res = await env.apply([seedManifests(env, { namespace: ns, certificate: names[0] }), ...certificates].join('---\n')).catch(async (err: unknown) => {
      await stopNoise();
      throw err;
    });
    assert.equal(res.status, 200, await res.clone().text());

    const waitingMessages = new Set<string>();
    const allReady = waitFor(
      'all six Certificates Ready',
      async () => {
        const r = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificates`);
        const list = (await r.json()) as Listed;
        for (const c of list.items) {
          const m = c.status.conditions?.find((x) => x.type === 'Issuing')?.message;
          if (m?.includes('Waiting for a free order slot')) waitingMessages.add(m.replace(/^.*\. (?=Waiting)/, ''));
        }
        const ready = list.items.filter((c) => c.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
        return ready.length === names.length ? true : undefined;
      },
      240_000,
      50,
    );
    // And on for a while once every order is done: an idle gate with signals coming must continue-as-new too.
    await allReady.then(() => new Promise((r) => setTimeout(r, 3000))).finally(stopNoise);

    // Nothing lost, nothing doubled: one CertificateRequest per Certificate.
    const requests = (await (await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`)).json()) as Listed;
    assert.deepEqual(
      requests.items.map((r) => r.metadata.name).sort(),
      names.map((n) => `${n}-1`),
    );

    // An Order's ACME order runs between the grant it received (its history) and the release its
    // gate received (the gate's histories, over every run): those windows may overlap at most twice.
    const time = (e: HistoryEvent) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    const gateRuns: string[] = [];
    const gateHistories: number[] = [];
    const releasedAt = new Map<string, number>();
    // A slot granted in the answer to an update is taken when the gate completes the update.
    const grantedAt = new Map<string, number>();
    // Orders told in the update's answer that they must wait (no orderSlotQueued signal then).
    const queuedInAnswer = new Set<string>();
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${gateId}'` })) {
      gateRuns.push(wf.status.name);
      // Visibility leaves a running run's length at 0.
      gateHistories.push((await env.client.workflow.getHandle(gateId, wf.runId).describe()).historyLength);
      const { events } = await env.client.workflow.getHandle(gateId, wf.runId).fetchHistory();
      const asked = new Map<string, string>();
      for (const e of events ?? []) {
        const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
        if (accepted) asked.set(String(e.eventId), (JSON.parse(payloadText(accepted.acceptedRequest!.input!.args!.payloads![0]!)) as { workflowId: string }).workflowId);
        const completed = e.workflowExecutionUpdateCompletedEventAttributes;
        const answer = completed?.outcome?.success?.payloads?.[0];
        const answered = completed && answer ? (JSON.parse(payloadText(answer)) as { granted: boolean; queued?: unknown }) : undefined;
        if (answered?.granted) grantedAt.set(asked.get(String(completed!.acceptedEventId))!, time(e));
        if (answered?.queued) queuedInAnswer.add(asked.get(String(completed!.acceptedEventId))!);
        const a = e.workflowExecutionSignaledEventAttributes;
        if (a?.signalName !== 'releaseOrderSlot') continue;
        const run = JSON.parse(payloadText(a.input!.payloads![0]!)) as { workflowId: string };
        releasedAt.set(run.workflowId, time(e));
      }
    }
    const held: { order: string; from: number; to: number; waited: boolean }[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowType = 'orderWorkflow'` })) {
      const { events } = await env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const signals = (events ?? []).filter((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      const granted = signals.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orderSlotGranted');
      const waited = queuedInAnswer.has(wf.workflowId) || signals.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orderSlotQueued');
      const from = granted ? time(granted) : grantedAt.get(wf.workflowId);
      const to = releasedAt.get(wf.workflowId);
      assert.ok(from && to, `${wf.workflowId} was granted a slot and gave it back`);
      held.push({ order: wf.workflowId, from, to, waited });
    }
    assert.equal(held.length, names.length, 'one Order per Certificate');
    const edges = held
      .flatMap((h) => [
        { t: h.from, d: 1 },
        { t: h.to, d: -1 },
      ])
      .sort((a, b) => a.t - b.t || a.d - b.d);
    let inFlight = 0;
    let most = 0;
    for (const e of edges) most = Math.max(most, (inFlight += e.d));
    assert.ok(most <= 2, `at most 2 orders in flight at once, saw ${most}`);
    assert.equal(most, 2, 'the limit was used, not just respected');
    assert.ok(held.filter((h) => h.waited).length >= 1, 'some Orders queued');
    assert.ok(queuedInAnswer.size >= 1, 'a running gate told a queued Order its place in the answer');
    assert.ok(
      [...waitingMessages].some((m) => /^Waiting for a free order slot of Issuer storm\/pebble: 2 of 2 in use$/.test(m)),
      `a waiting Certificate said why: ${[...waitingMessages].join(' | ')}`,
    );

    // The gate continued-as-new on the way (the server suggests it after 40 events) and lost nothing.
    assert.ok(gateRuns.filter((s) => s === 'CONTINUED_AS_NEW').length >= 1, `gate runs: ${gateRuns.join(', ')}`);
    // Soon after, whatever keeps arriving.
    assert.ok(Math.max(...gateHistories) <= 250, `events per gate run: ${gateHistories.join(', ')}`);
  });
});
