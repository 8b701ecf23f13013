// Helpers for the renewal tests: typed reads of Certificates, CertificateRequests and Orders,
// Pebble's management endpoint for ACME Renewal Information overrides, and RFC 9773 certIDs.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import type { CertificateStatus, OrderObject } from '../../resources/objects.ts';
import type { Pebble } from './pebble.ts';
import type { TestEnv } from './env.ts';

export interface CertificateDoc {
  metadata: { name: string; namespace: string; generation?: number };
  spec: Record<string, unknown>;
  status: CertificateStatus;
}

export interface CertificateRequestDoc {
  metadata: { name: string; annotations?: Record<string, string> };
  status: { certificate?: string; conditions?: { type: string; status: string }[] };
}

export async function getJson<T>(env: TestEnv, pathname: string): Promise<T> {
  const res = await env.api(pathname);
  if (res.status !== 200) throw new Error(`GET ${pathname}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export const getCertificate = (env: TestEnv, ns: string, name: string) => getJson<CertificateDoc>(env, `/apis/cert-manager.io/v1/namespaces/${ns}/certificates/${name}`);

export const isReady = (c: CertificateDoc) => c.status.conditions.some((x) => x.type === 'Ready' && x.status === 'True');

export const listOrders = async (env: TestEnv, ns: string) => (await getJson<{ items: OrderObject[] }>(env, `/apis/acme.cert-manager.io/v1/namespaces/${ns}/orders`)).items;

/** The leaf certificate a CertificateRequest of the given revision got from the CA. */
export async function requestLeaf(env: TestEnv, ns: string, cert: string, revision: number): Promise<X509Certificate> {
  const cr = await getJson<CertificateRequestDoc>(env, `/apis/cert-manager.io/v1/namespaces/${ns}/certificaterequests/${cert}-${revision}`);
  if (!cr.status.certificate) throw new Error(`CertificateRequest ${cert}-${revision} has no certificate yet`);
  return leafOf(Buffer.from(cr.status.certificate, 'base64').toString('utf8'));
}

export function leafPem(chainPem: string): string {
  const first = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/)[0];
  if (!first?.includes('BEGIN CERTIFICATE')) throw new Error('no certificate in PEM');
  return `${first.trim()}\n`;
}

export const leafOf = (chainPem: string) => new X509Certificate(leafPem(chainPem));

export const secretCrtPath = (env: TestEnv, ns: string, secretName: string) => path.join(env.config.dataDir, 'secrets', ns, secretName, 'tls.crt');

/**
 * The Secret's leaf together with the Certificate status that describes it: reads the status,
 * the file, and the status again, retrying until no renewal happened in between.
 */
export async function stableSnapshot(env: TestEnv, ns: string, name: string, secretName: string): Promise<{ cert: CertificateDoc; leaf: X509Certificate; pem: string }> {
  for (let i = 0; i < 50; i++) {
    const cert = await getCertificate(env, ns, name);
    const pem = leafPem(await fs.readFile(secretCrtPath(env, ns, secretName), 'utf8'));
    const again = await getCertificate(env, ns, name);
    if (cert.status.revision === again.status.revision && !again.status.currentRequest) return { cert: again, leaf: new X509Certificate(pem), pem };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Certificate ${ns}/${name} kept changing while being read`);
}

/** RFC 9773 section 4.1: base64url(AKI keyIdentifier) "." base64url(DER serial number bytes). */
export function ariCertId(leaf: X509Certificate): string {
  const der = leaf.raw;
  const aki = authorityKeyId(der);
  let serial = Buffer.from(leaf.serialNumber.length % 2 ? `0${leaf.serialNumber}` : leaf.serialNumber, 'hex');
  if (serial[0]! & 0x80) serial = Buffer.concat([Buffer.from([0]), serial]);
  return `${aki.toString('base64url')}.${serial.toString('base64url')}`;
}

// The AKI extension (2.5.29.35) holds SEQUENCE { [0] keyIdentifier OCTETS, ... }. A tiny scan
// is enough for the certificates Pebble issues: find the OID, then the [0] primitive tag.
function authorityKeyId(der: Buffer): Buffer {
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x23]);
  const at = der.indexOf(oid);
  if (at < 0) throw new Error('certificate has no Authority Key Identifier');
  const tag = der.indexOf(0x80, at + oid.length);
  const len = der[tag + 1]!;
  return der.subarray(tag + 2, tag + 2 + len);
}

/** Pebble management API: answer renewalInfo for this certificate with the given window. */
export async function setRenewalInfo(pebble: Pebble, certificatePem: string, window: { start: Date; end: Date }): Promise<void> {
  const ariResponse = JSON.stringify({ suggestedWindow: { start: window.start.toISOString(), end: window.end.toISOString() } });
  const body = JSON.stringify({ Certificate: certificatePem, ARIResponse: ariResponse });
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${pebble.managementUrl}/set-renewal-info/`,
      {
        method: 'POST',
        ca: pebble.tlsCaPem,
        timeout: 5_000,
        headers: { 'user-agent': 'cert-manager-test-harness', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let t = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (t += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: t }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('set-renewal-info: timeout')));
    req.on('error', reject);
    req.end(body);
  });
  if (status !== 200) throw new Error(`set-renewal-info: HTTP ${status}: ${text}`);
}

/** The Issuing reason in the CertificateRequest workflow's static summary, e.g. "Renewing". */
export async function requestReason(env: TestEnv, ns: string, requestName: string): Promise<string | undefined> {
  const desc = await env.client.workflow.getHandle(`certificaterequest/${ns}/${requestName}`).describe();
  const summary = await desc.staticSummary();
  return summary?.match(/\(([^()]+)\)\s*$/)?.[1];
}

/**
 * What `replaces` Pebble 2.10 (2.10.1 to 2.10.3) will accept for a certID. Its newOrder looks the old order up by
 * hex of the serial's big.Int bytes, so a DER serial with a leading 0x00 (top bit set, as
 * RFC 9773 requires it be encoded) is "not found" (HTTP 500); the service then orders again
 * without `replaces`, and the renewal goes on.
 */
export function replacesPebbleAccepts(certId: string): string | undefined {
  const serial = Buffer.from(certId.split('.')[1] ?? '', 'base64url');
  return serial[0] === 0 ? undefined : certId;
}
