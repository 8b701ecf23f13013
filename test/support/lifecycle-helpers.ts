// Small helpers shared by the lifecycle tests: manifests with extra spec fields, typed reads of
// a Certificate, its requests and its Secret files, and the presented HTTP-01 responses.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { seedManifests, waitFor, type TestEnv } from './env.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface CertificateJson {
  metadata: { name: string; namespace: string; generation?: number; labels?: Record<string, string> };
  spec: Record<string, unknown> & { dnsNames: string[] };
  status: {
    conditions: Condition[];
    revision?: number;
    notAfter?: string;
    renewalTime?: string;
    lastFailureTime?: string;
    failedIssuanceAttempts?: number;
    currentRequest?: string;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The EAB Secret and the ACME Issuer of seedManifests, without the Certificate. */
export function issuerYaml(env: TestEnv, namespace: string, issuer = 'pebble'): string {
  return seedManifests(env, { namespace, issuer }).split('---\n').slice(0, 2).join('---\n');
}

export interface CertOptions {
  namespace: string;
  name: string;
  issuer?: string;
  dnsNames?: string[];
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** One Certificate manifest; `spec` adds or overrides fields of the seed's spec. */
export function certificateYaml(o: CertOptions): string {
  return stringify({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: o.name, namespace: o.namespace, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      dnsNames: o.dnsNames ?? [`${o.name}.example.test`],
      secretName: `${o.name}-tls`,
      issuerRef: { name: o.issuer ?? 'pebble' },
      ...o.spec,
    },
  });
}

/** POSTs manifests, expects 200, returns each item's result in order. */
export async function applyResults(env: TestEnv, yaml: string): Promise<string[]> {
  const res = await env.apply(yaml);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return (JSON.parse(text) as { items: { result: string }[] }).items.map((i) => i.result);
}

const certPath = (ns: string, name: string) => `/apis/cert-manager.io/v1/namespaces/${ns}/certificates/${name}`;

export async function getCertificate(env: TestEnv, ns: string, name: string): Promise<CertificateJson | undefined> {
  const res = await env.api(certPath(ns, name));
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `GET certificate ${ns}/${name}: ${res.status}`);
  return (await res.json()) as CertificateJson;
}

export async function mustGetCertificate(env: TestEnv, ns: string, name: string): Promise<CertificateJson> {
  const cert = await getCertificate(env, ns, name);
  assert.ok(cert, `certificate ${ns}/${name} exists`);
  return cert;
}

export const condition = (cert: CertificateJson | undefined, type: string) => cert?.status.conditions.find((c) => c.type === type);
export const isReady = (cert: CertificateJson | undefined) => condition(cert, 'Ready')?.status === 'True';

/** Waits until the Certificate is Ready at exactly or at least `revision`. */
export async function waitRevision(env: TestEnv, ns: string, name: string, revision: number, timeoutMs = 60_000): Promise<CertificateJson> {
  return waitFor(
    `Certificate ${ns}/${name} Ready at revision ${revision}`,
    async () => {
      const cert = await getCertificate(env, ns, name);
      return isReady(cert) && (cert!.status.revision ?? 0) >= revision && !cert!.status.currentRequest ? cert : undefined;
    },
    timeoutMs,
    200,
  );
}

export async function renew(env: TestEnv, ns: string, name: string): Promise<void> {
  const res = await env.api(`${certPath(ns, name)}/renew`, { method: 'POST' });
  assert.equal(res.status, 202, await res.text());
}

export async function deleteCertificate(env: TestEnv, ns: string, name: string, deleteSecret = false): Promise<Response> {
  return env.api(`${certPath(ns, name)}${deleteSecret ? '?deleteSecret=true' : ''}`, { method: 'DELETE' });
}

export const secretDir = (env: TestEnv, ns: string, secretName: string) => path.join(env.config.dataDir, 'secrets', ns, secretName);

export async function readLeaf(env: TestEnv, ns: string, secretName: string): Promise<X509Certificate> {
  return new X509Certificate(await fs.readFile(path.join(secretDir(env, ns, secretName), 'tls.crt')));
}

export async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Tokens whose key authorization is presented right now (files in <dataDir>/http01). */
export async function presented(env: TestEnv): Promise<string[]> {
  return (await fs.readdir(path.join(env.config.dataDir, 'http01')).catch(() => [] as string[])).filter((f) => !f.startsWith('.'));
}

export async function waitPresented(env: TestEnv, timeoutMs = 60_000): Promise<void> {
  await waitFor('a challenge to be presented', async () => ((await presented(env)).length > 0 ? true : undefined), timeoutMs, 5);
}

export interface RequestJson {
  metadata: { name: string; annotations?: Record<string, string> };
  status: { conditions?: Condition[] };
}

/** Names of the listed CertificateRequests that belong to one Certificate. */
export async function requestNames(env: TestEnv, ns: string, certName: string): Promise<string[]> {
  const res = await env.api(`/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { items: RequestJson[] };
  return body.items.filter((r) => r.metadata.annotations?.['cert-manager.io/certificate-name'] === certName).map((r) => r.metadata.name);
}

/** Every item of a namespaced list, e.g. plural `orders` (acme.cert-manager.io) or `certificaterequests`. */
export async function listItems(env: TestEnv, ns: string, plural: string): Promise<{ metadata: { name: string; labels?: Record<string, string> } }[]> {
  const group = plural === 'orders' || plural === 'challenges' ? 'acme.cert-manager.io' : 'cert-manager.io';
  const res = await env.api(`/apis/${group}/v1/namespaces/${ns}/${plural}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: { metadata: { name: string; labels?: Record<string, string> } }[] }).items;
}

/** The Secret as the API shows it (annotations include the issued-request record). */
export async function secretAnnotations(env: TestEnv, ns: string, secretName: string): Promise<Record<string, string>> {
  const res = await env.api(`/api/v1/namespaces/${ns}/secrets/${secretName}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations ?? {};
}

/** Start times (ms) of every run of the CertificateRequest workflows of one Certificate, oldest first. */
export async function requestRunStarts(env: TestEnv, ns: string, certName: string): Promise<number[]> {
  const starts: number[] = [];
  const prefix = `certificaterequest/${ns}/${certName}-`;
  for await (const wf of env.client.workflow.list({ query: `CertManagerKind='CertificateRequest'` })) {
    if (wf.workflowId.startsWith(prefix)) starts.push(wf.startTime.getTime());
  }
  return starts.sort((a, b) => a - b);
}

/**
 * Starts an issuance with `trigger` and waits until it is caught in flight (an HTTP-01 response
 * presented). Pebble may validate at once, so the window can be a few hundred milliseconds: if
 * the issuance completes unseen, this says 'missed' and the caller tries again. An issuance that
 * neither presents nor completes within the timeout is a failure (a lost trigger).
 */
export async function catchInFlight(env: TestEnv, ns: string, name: string, trigger: () => Promise<void>, timeoutMs = 45_000): Promise<'presented' | 'missed'> {
  const before = (await getCertificate(env, ns, name))?.status.revision ?? 0;
  await trigger();
  let lastCheck = 0;
  return waitFor(
    `Certificate ${ns}/${name}: an issuance after revision ${before} presenting a challenge`,
    async () => {
      if ((await presented(env)).length > 0) return 'presented' as const;
      if (Date.now() - lastCheck < 250) return undefined;
      lastCheck = Date.now();
      const cert = await getCertificate(env, ns, name);
      return isReady(cert) && (cert!.status.revision ?? 0) > before && !cert!.status.currentRequest ? ('missed' as const) : undefined;
    },
    timeoutMs,
    5,
  );
}
