// One integration environment: a real Temporal dev server, real Pebble + challtestsrv, and the
// service (API + worker) wired to them with a fresh data directory.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort, freePorts } from '../../platform/ports.ts';
import { connectClient } from '../../platform/temporal-connection.ts';
import { startStack, type Stack, type StackOptions } from '../../scripts/stack.ts';
import { startPebble, type Pebble, type PebbleOptions } from './pebble.ts';
import { startTestTemporal } from './temporal.ts';
import { startTemporalDevServer } from '../../platform/temporal-dev-server.ts';
import type { Client } from '@temporalio/client';
import { isSecretPath } from '../../api/auth/access.ts';
import { recordHistoryFixtures } from './history.ts';

export interface TestEnv {
  config: Config;
  env: Record<string, string>;
  pebble: Pebble;
  temporalAddress: string;
  client: Client;
  stack?: Stack;
  eab: { kid: string; hmacKey: string };
  /** Calls the API with the right bearer token: API_SECRETS_TOKEN for Secret reads, API_TOKEN otherwise (unless init sets authorization). */
  api(pathname: string, init?: RequestInit): Promise<Response>;
  apply(body: string, contentType?: string): Promise<Response>;
  /** Stops the service and Temporal, then starts both again on the same SQLite file and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestEnvOptions {
  pebble?: PebbleOptions;
  stack?: StackOptions | false;
  temporalDynamicConfig?: Record<string, string | number | boolean>;
  /** Keep Temporal's state in a SQLite file, so restart() can prove nothing is lost. */
  persistent?: boolean;
  /** A Temporal with none of the service's search attributes registered (as one set up by hand). */
  bareTemporal?: boolean;
  /** Extra service configuration, e.g. { CERTIFICATE_RESYNC_PERIOD: '2s' }. */
  config?: Record<string, string>;
}

export async function startTestEnv(opts: TestEnvOptions = {}): Promise<TestEnv> {
  const eab = { kid: `kid-${randomBytes(4).toString('hex')}`, hmacKey: randomBytes(32).toString('base64url') };
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'certmgr-test-'));
  const temporalPort = await freePort();
  const startTemporal = () =>
    opts.persistent
      ? startTemporalDevServer({ port: temporalPort, uiPort: false, dbFile: path.join(dataDir, 'temporal.sqlite'), dynamicConfig: opts.temporalDynamicConfig })
      : startTestTemporal({ dynamicConfig: opts.temporalDynamicConfig, searchAttributes: !opts.bareTemporal });
  // Temporal first: the dev server takes free ports for its own services as it starts, and once
  // took the HTTP-01 port picked for the API before the API could bind it (CI, ca-reset test).
  let temporal = await startTemporal();
  // Picked together: two freePort() calls in a row can return the same port, since neither is
  // bound yet (CI: the API took the HTTP-01 port, and the self check got the API's 401).
  const [http01Port, apiPort] = (await freePorts(2)) as [number, number];
  const pebble = await startPebble({ eabKeys: { [eab.kid]: eab.hmacKey }, httpPort: http01Port, avoidPorts: [apiPort], retryAfter: { authz: 0, order: 0 }, ...opts.pebble });
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    HTTP01_PORT: String(http01Port),
    HTTP01_HOST: '127.0.0.1',
    API_TOKEN: `api-${randomBytes(16).toString('hex')}`,
    API_SECRETS_TOKEN: `secrets-${randomBytes(16).toString('hex')}`,
    TEMPORAL_ADDRESS: temporal.address,
    SELF_CHECK_NAMESERVERS: pebble.dnsServer,
    ACME_NAMESERVERS: pebble.dnsServer,
    SELF_CHECK_HTTP_PORT: String(http01Port),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...opts.config,
  };
  const config = loadConfig(env);
  const client = await connectClient(config, temporal.address);
  const startService = () => (opts.stack === false ? undefined : startStack(config, temporal.address, { log: createLogger(config.logLevel, 'test'), ...opts.stack }));
  const base = `http://127.0.0.1:${config.port}`;
  const api = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const token = isSecretPath(pathname.split('?')[0]!) ? config.api.apiSecretsToken : config.api.apiToken;
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${base}${pathname}`, { ...init, headers });
  };
  const testEnv: TestEnv = {
    config,
    env,
    pebble,
    temporalAddress: temporal.address,
    client,
    stack: await startService(),
    eab,
    api,
    apply: (body, contentType = 'application/yaml') => api('/v1/manifests', { method: 'POST', headers: { 'content-type': contentType }, body }),
    async restart() {
      // The service keeps its HTTP-01 port bound while the new Temporal takes its ports.
      await temporal.stop();
      temporal = await startTemporal();
      await testEnv.stack?.stop();
      testEnv.stack = await startService();
    },
    async stop() {
      await recordHistoryFixtures(client, path.basename(process.argv[1] ?? 'test', '.test.ts')).catch((err) => console.error('recording histories failed', err));
      await testEnv.stack?.stop();
      await client.connection.close();
      await Promise.all([temporal.stop(), pebble.stop()]);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  return testEnv;
}

export interface SeedOptions {
  namespace?: string;
  issuer?: string;
  certificate?: string;
  dnsNames?: string[];
  /** Extra spec.acme fields of the Issuer, e.g. { disableRenewalInfo: true }. */
  acme?: Record<string, unknown>;
  /** Extra spec fields of the Certificate, e.g. { privateKey: { rotationPolicy: 'Never' } }. */
  certificateSpec?: Record<string, unknown>;
}

/** The brief's two manifests (ACME Issuer with EAB, Certificate), plus the EAB Secret, for Pebble. */
export function seedManifests(env: TestEnv, o: SeedOptions = {}): string {
  const namespace = o.namespace ?? 'default';
  const issuer = o.issuer ?? 'pebble';
  const certificate = o.certificate ?? 'web';
  const docs = [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${issuer}-eab`, namespace }, stringData: { secret: env.eab.hmacKey } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: issuer, namespace },
      spec: {
        acme: {
          email: 'ops@example.com',
          server: env.pebble.directoryUrl,
          caBundle: Buffer.from(env.pebble.tlsCaPem).toString('base64'),
          externalAccountBinding: { keyID: env.eab.kid, keySecretRef: { name: `${issuer}-eab`, key: 'secret' }, keyAlgorithm: 'HS256' },
          privateKeySecretRef: { name: `${issuer}-account-key` },
          solvers: [{ http01: { ingress: { class: 'nginx' } } }],
          ...o.acme,
        },
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: certificate, namespace },
      spec: { dnsNames: o.dnsNames ?? [`${certificate}.example.test`], secretName: `${certificate}-tls`, issuerRef: { name: issuer }, ...o.certificateSpec },
    },
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface CertificateView {
  status: { conditions: { type: string; status: string; reason: string; message: string }[]; revision?: number; notAfter?: string };
}

export async function waitReady(env: TestEnv, namespace: string, name: string, timeoutMs = 90_000, minRevision = 1): Promise<CertificateView> {
  return waitFor(
    `Certificate ${namespace}/${name} Ready`,
    async () => {
      const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${namespace}/certificates/${name}`);
      if (res.status !== 200) return undefined;
      const cert = (await res.json()) as CertificateView;
      const ready = cert.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && (cert.status.revision ?? 0) >= minRevision ? cert : undefined;
    },
    timeoutMs,
  );
}
