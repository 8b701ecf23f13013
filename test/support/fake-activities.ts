// Fake activities for deterministic workflow tests: the real names and signatures (typed against
// `Activities`, so a changed or added activity fails tsc here), backed by an in-memory CA that
// validates every challenge and an in-memory secret store. Every call is recorded; any call can
// be held at a gate until the test releases it, and any activity can be given another behaviour.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.ts';
import type { AcmeIssuerContext } from '../../resources/acme-issuer-context.ts';
import type { AcmeAuthorizationState, AcmeOrderState } from '../../resources/acme-order-state.ts';
import type { Client } from '@temporalio/client';
import { orderGateActivities } from '../../activities/order-gate.ts';
import { orderGateWorkflowId } from '../../resources/ids.ts';
import { DEFAULT_ORDER_GATE_OPTIONS, type OrderGateOptions } from '../../resources/order-gate-options.ts';
import { parseGoDuration } from '../../resources/duration.ts';
import { issuedRequest } from '../../resources/issued-request.ts';
import type { SecretSummary } from '../../resources/secret-summary.ts';
import { stableJson } from '../../resources/stable-json.ts';

export type ActivityName = keyof Activities;
export type ActivityArgs<K extends ActivityName> = Parameters<Activities[K]>;
type Impl<K extends ActivityName> = (...args: ActivityArgs<K>) => ReturnType<Activities[K]>;

export const FAKE_ISSUER: AcmeIssuerContext = {
  issuerKind: 'Issuer',
  issuerName: 'fake-ca',
  secretNamespace: 'team-a',
  accountUrl: 'https://acme.test/account/1',
  acme: { server: 'https://acme.test/directory', privateKeySecretRef: { name: 'fake-ca-account' }, solvers: [{ http01: { ingress: {} } }] },
};

/** One held call: `entered` resolves with its arguments; the call then waits for release or fail. */
export interface Gate<K extends ActivityName> {
  readonly entered: Promise<ActivityArgs<K>>;
  release(): void;
  fail(err: Error): void;
  /** True once the worker told the held activity that it was cancelled. */
  readonly cancelled: boolean;
}

interface PendingGate {
  match: (args: unknown[]) => boolean;
  enter: (args: unknown[]) => void;
  opened: Promise<void>;
  open: () => void;
  onCancel: () => void;
}

interface FakeOrder extends AcmeOrderState {
  authz: AcmeAuthorizationState[];
}

export class FakeActivities {
  /** What a web server reading the secret store would find, by `<namespace>/<secretName>`. */
  readonly secrets = new Map<string, SecretSummary>();
  /** HTTP-01 tokens whose key authorization is being served right now. */
  readonly presented = new Set<string>();
  readonly log: { name: ActivityName; args: unknown[]; result?: unknown }[] = [];
  private readonly gates = new Map<ActivityName, PendingGate[]>();
  private readonly overrides = new Map<ActivityName, (...args: never[]) => unknown>();
  private readonly orders = new Map<string, FakeOrder>();

  /** The order gate's limits as the worker's configuration would give them; tests may change them. */
  orderGate: OrderGateOptions = { ...DEFAULT_ORDER_GATE_OPTIONS };

  /**
   * `now` is the Temporal server's clock, which time skipping moves ahead of the wall clock. The
   * order gate activities are the real ones (they only talk to Temporal), on `client`.
   */
  constructor(
    private readonly now: () => Promise<number>,
    private readonly client?: () => Client,
  ) {}

  /** The order gates this worker's Orders asked for a slot: they outlive the Orders. */
  orderGates(): string[] {
    return [...new Set(this.calls('requestOrderSlot').map(([i]) => orderGateWorkflowId(i.kind, i.namespace, i.name)))];
  }

  calls<K extends ActivityName>(name: K): ActivityArgs<K>[] {
    return this.log.filter((c) => c.name === name).map((c) => c.args as ActivityArgs<K>);
  }

  /** What the completed calls of `name` returned, in call order. */
  results<K extends ActivityName>(name: K): Awaited<ReturnType<Activities[K]>>[] {
    return this.log.filter((c) => c.name === name && 'result' in c).map((c) => c.result as Awaited<ReturnType<Activities[K]>>);
  }

  /** Holds the next call of `name` (whose arguments match, when given) until the test says. */
  hold<K extends ActivityName>(name: K, match: (...args: ActivityArgs<K>) => boolean = () => true): Gate<K> {
    let enter!: (args: ActivityArgs<K>) => void;
    const entered = new Promise<ActivityArgs<K>>((r) => (enter = r));
    let open!: () => void;
    let failure: Error | undefined;
    const opened = new Promise<void>((r) => (open = r)).then(() => {
      if (failure) throw failure;
    });
    opened.catch(() => undefined);
    let cancelled = false;
    const pending: PendingGate = {
      match: (args) => match(...(args as ActivityArgs<K>)),
      enter: (args) => enter(args as ActivityArgs<K>),
      opened,
      open,
      onCancel: () => void (cancelled = true),
    };
    this.gates.set(name, [...(this.gates.get(name) ?? []), pending]);
    return {
      entered,
      release: open,
      fail: (err) => {
        failure = err;
        open();
      },
      get cancelled() {
        return cancelled;
      },
    };
  }

  /** Replaces an activity's behaviour until `restore(name)`; calls are still recorded and gated. */
  override<K extends ActivityName>(name: K, impl: Impl<K>): void {
    this.overrides.set(name, impl as (...args: never[]) => unknown);
  }

  restore(name: ActivityName): void {
    this.overrides.delete(name);
  }

  /** Opens every gate: a worker shutting down waits for its activities. */
  releaseAll(): void {
    for (const list of this.gates.values()) for (const g of list) g.open();
    this.gates.clear();
  }

  /** The activities to register on the worker. */
  activities(): Activities {
    const real = this.defaults();
    const wrapped = {} as Record<ActivityName, unknown>;
    for (const name of Object.keys(real) as ActivityName[]) {
      wrapped[name] = async (...args: unknown[]) => {
        const entry: (typeof this.log)[number] = { name, args };
        this.log.push(entry);
        await this.passGate(name, args);
        const impl = (this.overrides.get(name) ?? real[name]) as (...a: unknown[]) => Promise<unknown>;
        entry.result = await impl(...args);
        return entry.result;
      };
    }
    return wrapped as Activities;
  }

  private async passGate(name: ActivityName, args: unknown[]): Promise<void> {
    const list = this.gates.get(name) ?? [];
    const gate = list.find((g) => g.match(args));
    if (!gate) return;
    list.splice(list.indexOf(gate), 1);
    gate.enter(args);
    const ctx = Context.current();
    // A regular activity learns of its cancellation only through a heartbeat's answer.
    const beat = ctx.info.isLocal ? undefined : setInterval(() => ctx.heartbeat(), 100);
    try {
      await Promise.race([
        gate.opened,
        ctx.cancelled.catch((err: unknown) => {
          gate.onCancel();
          throw err;
        }),
      ]);
    } finally {
      clearInterval(beat);
    }
  }

  /** The default behaviour: an issuer that is Ready, a CA that validates everything at once. */
  private defaults(): Activities {
    const key = (ns: string, secret: string) => `${ns}/${secret}`;
    const order = (url: string) => {
      const o = this.orders.get(url);
      if (!o) throw new Error(`fake CA: no order ${url}`);
      return o;
    };
    const view = ({ authz: _, ...o }: FakeOrder): AcmeOrderState => structuredClone(o);
    const authzByUrl = (url: string) => [...this.orders.values()].flatMap((o) => o.authz).find((a) => a.url === url);
    const noClient = () => {
      throw new Error('FakeActivities was built without a client: the order gate needs one');
    };
    return {
      ...orderGateActivities(this.client ?? noClient, () => this.orderGate),
      pruneCertificateRequests: async () => ({ deleted: [] }),
      resolveIssuer: async () => ({ found: true, ready: true, message: 'The ACME account was registered with the ACME server', context: FAKE_ISSUER }),
      registerAcmeAccount: async () => ({ accountUrl: FAKE_ISSUER.accountUrl!, lastRegisteredEmail: 'ops@example.com', keyThumbprint: 'fake-thumbprint' }),
      verifyAcmeAccount: async () => ({ valid: true, keyThumbprint: 'fake-thumbprint' }),
      fetchRenewalInfo: async () => ({ supported: false }),
      inspectCertificateSecret: async (ref) =>
        structuredClone(this.secrets.get(key(ref.namespace, ref.secretName))) ?? {
          exists: false,
          hasCert: false,
          hasKey: false,
          keyMatchesCert: false,
          dnsNames: [],
          ipAddresses: [],
        },
      // No key made ahead here: every key goes through generateKeyAndCsr, which the tests count.
      readyKeyAndCsr: async () => undefined,
      generateKeyAndCsr: async (ref, spec, revision) =>
        `-----BEGIN CERTIFICATE REQUEST-----\n${ref.namespace}/${ref.certificateName} revision ${revision} for ${spec.dnsNames.join(',')}\n-----END CERTIFICATE REQUEST-----\n`,
      storeCertificate: async (ref, issued) => {
        const notBefore = await this.now();
        const stored = {
          notBefore: new Date(notBefore).toISOString(),
          notAfter: new Date(notBefore + (parseGoDuration(issued.spec.duration) ?? 90 * 24 * 3600_000)).toISOString(),
          serialNumber: String(this.calls('storeCertificate').length),
        };
        const { spec } = issued;
        this.secrets.set(key(ref.namespace, ref.secretName), {
          exists: true,
          hasCert: true,
          hasKey: true,
          keyMatchesCert: true,
          commonName: spec.commonName,
          dnsNames: spec.dnsNames,
          ipAddresses: spec.ipAddresses,
          keyAlgorithm: spec.privateKey.algorithm,
          keySize: spec.privateKey.size,
          issuerName: issued.issuerRef.name,
          issuerKind: issued.issuerRef.kind,
          issuedRequest: stableJson(issuedRequest(spec)),
          ...stored,
        });
        return stored;
      },
      removeCertificateData: async (ref, deleteSecret) => {
        if (deleteSecret) this.secrets.delete(key(ref.namespace, ref.secretName));
      },
      createAcmeOrder: async (_ctx, identifiers, replaces) => {
        const n = this.orders.size + 1;
        const url = `https://acme.test/order/${n}`;
        const authz = identifiers.map(({ type, value }) => ({
          url: `https://acme.test/authz/${n}/${value}`,
          status: 'pending' as const,
          identifier: { type, value },
          wildcard: false,
          challenges: [{ type: 'http-01', url: `https://acme.test/chall/${n}/${value}`, token: `token-${n}-${value}`, status: 'pending' as const }],
        }));
        const o: FakeOrder = { url, status: 'pending', authorizations: authz.map((a) => a.url), finalize: `${url}/finalize`, authz };
        this.orders.set(url, o);
        return { ...view(o), replaced: replaces };
      },
      getAcmeOrder: async (_ctx, url) => ({ value: view(order(url)) }),
      getAcmeAuthorization: async (_ctx, url) => {
        const a = authzByUrl(url);
        if (!a) throw new Error(`fake CA: no authorization ${url}`);
        return { value: structuredClone(a) };
      },
      acceptAcmeChallenge: async (_ctx, url) => {
        for (const o of this.orders.values()) {
          for (const a of o.authz) {
            const c = a.challenges.find((x) => x.url === url);
            if (!c) continue;
            c.status = 'valid';
            a.status = 'valid';
            if (o.authz.every((x) => x.status === 'valid')) o.status = 'ready';
            return c.status;
          }
        }
        throw new Error(`fake CA: no challenge ${url}`);
      },
      finalizeAcmeOrder: async (_ctx, { url }) => {
        const o = order(url);
        // As the real activity reports a CA's answer (activities/acme-problem.ts).
        if (o.status !== 'ready') throw ApplicationFailure.create({ type: 'acme:orderNotReady', message: `fake CA: order ${url} is ${o.status}, not ready`, nonRetryable: true });
        Object.assign(o, { status: 'valid', certificate: `${url}/cert` });
        return { value: view(o) };
      },
      downloadAcmeCertificate: async (_ctx, certificateUrl) => `-----BEGIN CERTIFICATE-----\n${certificateUrl}\n-----END CERTIFICATE-----\n`,
      presentHttp01: async (_ctx, token) => {
        this.presented.add(token);
        return `${token}.fake-thumbprint`;
      },
      selfCheckHttp01: async () => undefined,
      cleanupHttp01: async (token) => void this.presented.delete(token),
    };
  }
}
