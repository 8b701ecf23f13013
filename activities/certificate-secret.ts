// The Certificate's Secret: make the next private key and its CSR, inspect what is stored, and
// write the issued chain beside its key. Private keys stay in the secret store; only CSRs,
// certificates and facts about them cross into workflow history.
import { type KeyObject, X509Certificate } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { SecretOwnedError, type SecretMeta, type SecretStore } from '../platform/secret-store.ts';
import type { CertificateRef, IssuedChain, StoredCertificate } from '../resources/certificate-ref.ts';
import { Annotation } from '../resources/annotations.ts';
import { issuedRequest } from '../resources/issued-request.ts';
import { certificateOwner, SECRET_OWNED_BY_OTHER } from '../resources/secret-owner.ts';
import type { SecretSummary } from '../resources/secret-summary.ts';
import { stableJson } from '../resources/stable-json.ts';
import { ariCertId } from './ari-cert-id.ts';
import type { CertificateSpec } from '../resources/types.ts';
import { heartbeatWhile } from './heartbeat-while.ts';
import { KeyPool } from './key-pool.ts';
import { createCsr, describeKey, encodePrivateKey, parsePrivateKey } from './private-key.ts';

const NEXT_KEY = 'tls.key';
const NEXT_REVISION = 'revision';

export function certificateSecretActivities(secrets: SecretStore, nextKeys: SecretStore, keys = new KeyPool(0)) {
  /** The key for this revision: kept from an earlier attempt, the current one (rotationPolicy Never), or `make`'s. */
  async function nextKey<K extends KeyObject | undefined>(ref: CertificateRef, spec: CertificateSpec, revision: number, make: () => K | Promise<K>): Promise<KeyObject | K> {
    const pending = await nextKeys.read(ref.namespace, ref.certificateName);
    // A retried activity for the same revision reuses the key it already made.
    if (pending?.data[NEXT_KEY] && pending.data[NEXT_REVISION]?.toString() === String(revision)) {
      return parsePrivateKey(pending.data[NEXT_KEY]);
    }
    let key: KeyObject | undefined;
    if (spec.privateKey.rotationPolicy === 'Never') {
      const current = await secrets.readKey(ref.namespace, ref.secretName, 'tls.key');
      const parsed = current ? safeParseKey(current) : undefined;
      const d = parsed && describeKey(parsed);
      if (parsed && d?.algorithm === spec.privateKey.algorithm && (d.algorithm === 'Ed25519' || d.size === spec.privateKey.size)) key = parsed;
    }
    const chosen = key ?? (await make());
    if (!chosen) return chosen;
    await nextKeys.write(ref.namespace, ref.certificateName, {
      [NEXT_KEY]: encodePrivateKey(chosen, spec.privateKey.encoding),
      [NEXT_REVISION]: Buffer.from(String(revision)),
    });
    return chosen;
  }

  async function ownedWrite(ref: CertificateRef, data: Record<string, Buffer>, meta: SecretMeta): Promise<void> {
    try {
      await secrets.write(ref.namespace, ref.secretName, data, meta, { owner: certificateOwner(ref.certificateName) });
    } catch (err) {
      if (err instanceof SecretOwnedError) throw ApplicationFailure.nonRetryable(err.message, SECRET_OWNED_BY_OTHER);
      throw err;
    }
  }

  return {
    /** Makes (or reuses) the next private key for this revision and returns its CSR in PEM. */
    async generateKeyAndCsr(ref: CertificateRef, spec: CertificateSpec, revision: number): Promise<string> {
      return createCsr(spec, await heartbeatWhile(() => nextKey(ref, spec, revision, () => keys.take(spec.privateKey))));
    },

    /**
     * The same when no key has to be made or waited for (a key made ahead is ready, or the
     * current one is kept), so the workflow can ask in a local activity; undefined otherwise.
     */
    async readyKeyAndCsr(ref: CertificateRef, spec: CertificateSpec, revision: number): Promise<string | undefined> {
      const key = await nextKey(ref, spec, revision, () => keys.takeReady(spec.privateKey));
      return key && createCsr(spec, key);
    },

    async storeCertificate(ref: CertificateRef, issued: IssuedChain): Promise<StoredCertificate> {
      const leaf = new X509Certificate(issued.chainPem);
      const pending = await nextKeys.read(ref.namespace, ref.certificateName);
      const keyPem = pending?.data[NEXT_KEY];
      if (!keyPem) {
        // Retried after a write that landed: the Secret already holds this certificate.
        const stored = await secrets.readKey(ref.namespace, ref.secretName, 'tls.crt');
        if (stored && new X509Certificate(stored).serialNumber === leaf.serialNumber) return facts(leaf);
        throw ApplicationFailure.nonRetryable(`the private key for ${ref.namespace}/${ref.certificateName} is gone`, 'KeyLost');
      }
      if (!leaf.checkPrivateKey(parsePrivateKey(keyPem))) {
        throw ApplicationFailure.nonRetryable('the issued certificate does not match the private key', 'KeyMismatch');
      }
      const data: Record<string, Buffer> = { 'tls.key': keyPem, 'tls.crt': Buffer.from(issued.chainPem) };
      if (issued.caPem) data['ca.crt'] = Buffer.from(issued.caPem);
      const { spec, issuerRef } = issued;
      await ownedWrite(ref, data, {
        type: 'kubernetes.io/tls',
        labels: { ...spec.secretTemplate?.labels, 'controller.cert-manager.io/fao': 'true' },
        annotations: {
          ...spec.secretTemplate?.annotations,
          [Annotation.CertificateName]: ref.certificateName,
          [Annotation.IssuerName]: issuerRef.name,
          [Annotation.IssuerKind]: issuerRef.kind,
          [Annotation.IssuerGroup]: issuerRef.group,
          [Annotation.CommonName]: spec.commonName ?? '',
          [Annotation.AltNames]: spec.dnsNames.join(','),
          [Annotation.IpSans]: spec.ipAddresses.join(','),
          [Annotation.UriSans]: spec.uris.join(','),
          [Annotation.IssuedRequest]: stableJson(issuedRequest(spec)),
        },
      });
      await nextKeys.remove(ref.namespace, ref.certificateName);
      return facts(leaf);
    },

    /**
     * On deletion: drop the pending next key and give up the Secret, which stays unless
     * deleteSecret is asked for. A Secret someone else owns is never touched.
     */
    async removeCertificateData(ref: CertificateRef, deleteSecret: boolean): Promise<void> {
      await nextKeys.remove(ref.namespace, ref.certificateName);
      const owner = await secrets.owner(ref.namespace, ref.secretName);
      const mine = owner === undefined || owner === certificateOwner(ref.certificateName);
      if (deleteSecret && mine) await secrets.remove(ref.namespace, ref.secretName);
      else await secrets.release(ref.namespace, ref.secretName, certificateOwner(ref.certificateName));
    },

    /** What the Secret holds; claims it for the Certificate when nobody owns it yet. */
    async inspectCertificateSecret(ref: CertificateRef): Promise<SecretSummary> {
      const claim = await secrets.claim(ref.namespace, ref.secretName, certificateOwner(ref.certificateName));
      const secret = await secrets.read(ref.namespace, ref.secretName);
      const summary: SecretSummary = { exists: Boolean(secret), hasCert: false, hasKey: false, keyMatchesCert: false, dnsNames: [], ipAddresses: [] };
      if (!claim.ok) return { ...summary, ownedBy: claim.owner };
      if (!secret) return summary;
      const crt = secret.data['tls.crt'];
      const key = secret.data['tls.key'];
      summary.hasCert = Boolean(crt?.length);
      summary.hasKey = Boolean(key?.length);
      summary.issuerName = secret.meta.annotations?.[Annotation.IssuerName];
      summary.issuerKind = secret.meta.annotations?.[Annotation.IssuerKind];
      summary.issuedRequest = secret.meta.annotations?.[Annotation.IssuedRequest];
      if (!crt || !key) return summary;
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(crt);
      } catch (err) {
        return { ...summary, certParseError: (err as Error).message };
      }
      const privateKey = safeParseKey(key);
      Object.assign(summary, facts(cert), sans(cert), {
        commonName: /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1],
        keyMatchesCert: privateKey ? cert.checkPrivateKey(privateKey) : false,
        ariCertId: safeAriCertId(cert.toString()),
      });
      if (privateKey) {
        const d = describeKey(privateKey);
        summary.keyAlgorithm = d.algorithm;
        summary.keySize = d.size;
      }
      return summary;
    },
  };
}

function safeAriCertId(pem: string): string | undefined {
  try {
    return ariCertId(pem);
  } catch {
    return undefined;
  }
}

function safeParseKey(pem: Buffer) {
  try {
    return parsePrivateKey(pem);
  } catch {
    return undefined;
  }
}

function facts(cert: X509Certificate): StoredCertificate {
  return {
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    serialNumber: cert.serialNumber.toLowerCase(),
  };
}

function sans(cert: X509Certificate): { dnsNames: string[]; ipAddresses: string[] } {
  const entries = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  const pick = (prefix: string) => entries.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
  return { dnsNames: pick('DNS:'), ipAddresses: pick('IP Address:') };
}
