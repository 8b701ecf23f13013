// Drives Certificate workflows the way the API does (validated manifests, update-with-start,
// renew and delete signals) and reads what a user would see: the published object, and which
// CertificateRequest / Order / Challenge workflows exist under their readable IDs.
import proto from '@temporalio/proto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { applyCertificateManifest } from '../../api/manifests/apply-one.ts';
import type { CertificateOptions } from '../../resources/certificate-options.ts';
import { certificateRequestName, certificateRequestWorkflowId, certificateWorkflowId } from '../../resources/ids.ts';
import { deleteCertificate, renewCertificate, secretChanged, type ApplyResult } from '../../resources/messages.ts';
import { OBJECT_MEMO } from '../../resources/memo.ts';
import type { CertificateObject } from '../../resources/objects.ts';
import type { CertificateManifest } from '../../resources/types.ts';
import { validateManifests } from '../../resources/validate.ts';
import type { FakeActivities } from './fake-activities.ts';
import type { WorkflowTestEnv } from './time-skipping.ts';
import { eventually } from './workflow-runs.ts';

export { childRun, childRuns, currentRun, eventually, statusOf } from './workflow-runs.ts';

export const NAMESPACE = 'team-a';

/** A fresh worker with its own fakes and a driver for Certificate `name`; the worker stops after the test. */
export async function certificateUnderTest(
  env: WorkflowTestEnv,
  t: { after(fn: () => Promise<void>): void },
  name: string,
  options?: Partial<CertificateOptions>,
): Promise<{ fakes: FakeActivities; cert: CertificateDriver }> {
  const worker = await env.startWorker();
  t.after(() => worker.stop());
  const cert = new CertificateDriver(env.client, worker.taskQueue, name, options);
  worker.roots.add(cert.handle.workflowId);
  return { fakes: worker.fakes, cert };
}

export const isReady = (o: CertificateObject): boolean => o.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');

/** A Certificate manifest as a user writes it, validated and defaulted as the API does. */
export function certificateManifest(name: string, spec: Record<string, unknown> = {}): CertificateManifest {
  const doc = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, namespace: NAMESPACE },
    spec: { secretName: `${name}-tls`, issuerRef: { name: 'fake-ca' }, dnsNames: [`${name}.example.com`], ...spec },
  };
  const result = validateManifests([doc]);
  if (!result.ok) throw new Error(`invalid test manifest: ${result.message}`);
  return result.manifests[0] as CertificateManifest;
}

export class CertificateDriver {
  readonly handle: WorkflowHandle;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    readonly name: string,
    private readonly options?: Partial<CertificateOptions>,
  ) {
    this.handle = client.workflow.getHandle(certificateWorkflowId(NAMESPACE, name));
  }

  /** As the API applies: a start carrying the manifest when new, the apply Update otherwise. */
  apply(spec: Record<string, unknown> = {}): Promise<ApplyResult> {
    return applyCertificateManifest({ client: this.client, taskQueue: this.taskQueue, options: this.options }, certificateManifest(this.name, spec));
  }

  renew(): Promise<void> {
    return this.handle.signal(renewCertificate);
  }

  /** What a worker sends when the store's watch sees the Certificate's Secret change. */
  secretChanged(): Promise<void> {
    return this.handle.signal(secretChanged);
  }

  delete(deleteSecret = false): Promise<void> {
    return this.handle.signal(deleteCertificate, { deleteSecret });
  }

  async object(): Promise<CertificateObject> {
    // What the API reads: the object published in the memo. A query would need a workflow task,
    // and one still open on the test server holds its clock (and is never answered when the run
    // continues-as-new meanwhile), which made time skips flaky.
    const { memo } = await this.handle.describe();
    const o = memo?.[OBJECT_MEMO] as CertificateObject | undefined;
    if (!o) throw new Error(`Certificate ${this.name} has no object yet`);
    return o;
  }

  /** Polls the published object until `ok` holds; fails with the last object seen. */
  async until(what: string, ok: (o: CertificateObject) => boolean, timeoutMs = 30_000): Promise<CertificateObject> {
    let last: CertificateObject | undefined;
    await eventually(
      what,
      async () => {
        last = await this.object().catch(() => undefined);
        return last !== undefined && ok(last);
      },
      timeoutMs,
      () => JSON.stringify(last?.status),
    );
    return last!;
  }

  requestId(revision: number): string {
    return certificateRequestWorkflowId(NAMESPACE, certificateRequestName(this.name, revision));
  }

  /** Resolves once the workflow has handled every signal sent so far (a task completed after it). */
  async signalsHandled(timeoutMs = 30_000): Promise<void> {
    await eventually(
      `Certificate ${this.name} to handle its signals`,
      async () => {
        const { events } = await this.handle.fetchHistory();
        const types = (events ?? []).map((e) => e.eventType as number);
        return types.lastIndexOf(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) > types.lastIndexOf(E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      },
      timeoutMs,
    );
  }

  /**
   * Resolves once the current run sleeps with nothing in flight: everything after its last
   * workflow task is a local activity's marker, a search attribute upsert or a timer (started, or
   * cancelled by a wake-up), ending with a timer, and no child workflow is open. Whatever a signal
   * started would show up before that.
   */
  async idle(timeoutMs = 30_000): Promise<void> {
    let last = '';
    await eventually(
      `Certificate ${this.name} to sleep with nothing in flight`,
      async () => {
        const { events } = await this.handle.fetchHistory();
        const types = withoutEmptyTasks((events ?? []).map((e) => e.eventType as number));
        const lastTask = types.lastIndexOf(EVENT.WORKFLOW_TASK_COMPLETED);
        const after = types.slice(lastTask + 1);
        const count = (...ts: number[]) => types.filter((t) => ts.includes(t)).length;
        const childOpen = count(EVENT.START_CHILD_WORKFLOW_EXECUTION_INITIATED) > count(...CHILD_CLOSED);
        last = `events after the last task: ${after.map((t) => E[t]).join(', ') || 'none'}${childOpen ? '; a child is open' : ''}`;
        // The 1 ms timer after an issuance only ends that task: the Certificate is not asleep yet.
        const lastTimer = [...(events ?? [])].reverse().find((e) => (e.eventType as number) === EVENT.TIMER_STARTED);
        const shortTimer =
          Number(lastTimer?.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === 0 &&
          (lastTimer?.timerStartedEventAttributes?.startToFireTimeout?.nanos ?? 0) <= 1_000_000;
        return lastTask >= 0 && after.at(-1) === EVENT.TIMER_STARTED && !shortTimer && after.every((t) => QUIET.includes(t)) && !childOpen;
      },
      timeoutMs,
      () => last,
    );
  }
}

const E = proto.temporal.api.enums.v1.EventType;
const EVENT = {
  WORKFLOW_TASK_COMPLETED: E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  TIMER_STARTED: E.EVENT_TYPE_TIMER_STARTED,
  START_CHILD_WORKFLOW_EXECUTION_INITIATED: E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
};
// The test server sometimes records a workflow task that nothing scheduled and that completes with
// no command (seen after queries): a sleeping workflow with such trailing tasks is still asleep.
function withoutEmptyTasks(types: number[]): number[] {
  const task = [E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, E.EVENT_TYPE_WORKFLOW_TASK_STARTED, E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED];
  const out = [...types];
  while (out.length > 3 && task.every((t, i) => out[out.length - 3 + i] === t) && out[out.length - 4] !== E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) out.splice(-3);
  return out;
}

const QUIET: number[] = [
  E.EVENT_TYPE_MARKER_RECORDED,
  E.EVENT_TYPE_TIMER_CANCELED,
  E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  E.EVENT_TYPE_TIMER_STARTED,
];
const CHILD_CLOSED: number[] = [
  E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
  E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
  E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
  E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
  E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
  E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
];
