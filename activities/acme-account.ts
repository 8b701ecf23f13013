// Registers (or finds) and verifies the issuer's ACME account. The account key and EAB HMAC key
// are read from the secret store here, inside the worker; only the account URL and the key's
// public thumbprint go back to the workflow.
import * as acme from 'acme-client';
import { ApplicationFailure } from '@temporalio/common';
import { SecretOwnedError, type SecretStore } from '../platform/secret-store.ts';
import { issuerOwner, SECRET_OWNED_BY_OTHER } from '../resources/secret-owner.ts';
import type { AcmeIssuerSpec } from '../resources/types.ts';
import { issuerSecretNamespace } from '../resources/issuer-secret-namespace.ts';
import { accountCheckOutcome, type AccountCheck } from './acme-account-check.ts';
import { accountKeyThumbprint } from './account-key-thumbprint.ts';
import { ensureOk } from './acme-problem.ts';
import { generatePrivateKey } from './private-key.ts';
import type { AcmeHttp } from './acme-http.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import { accountKeyRef, internals } from './acme-session.ts';

export interface AccountRegistration {
  accountUrl: string;
  lastRegisteredEmail?: string;
  /** RFC 7638 thumbprint of the account key registered (public). */
  keyThumbprint: string;
}

export interface RegisteredAccount {
  url: string;
  /** Thumbprint of the key the account was registered with; unknown for accounts registered before it was kept. */
  keyThumbprint?: string;
}

export type AccountVerification = AccountCheck & { keyThumbprint?: string };

export interface IssuerIdentity {
  kind: 'Issuer' | 'ClusterIssuer';
  namespace?: string;
  name: string;
}

export function accountActivities(secrets: SecretStore, clusterResourceNamespace: string, http: AcmeHttp) {
  async function ensureAccountKey(ctx: AcmeIssuerContext): Promise<Buffer> {
    const ref = accountKeyRef(ctx);
    const existing = await secrets.readKey(ref.namespace, ref.name, ref.key);
    if (existing) return existing;
    if (ctx.acme.disableAccountKeyGeneration) {
      throw ApplicationFailure.nonRetryable(`account key Secret ${ref.namespace}/${ref.name} not found and disableAccountKeyGeneration is set`, 'SecretNotFound');
    }
    // cert-manager's choice: RSA 2048, PKCS#1 PEM, generated once and reused.
    // Async and through the key generation slots: a sync generation blocks the event loop.
    const privateKey = await generatePrivateKey({ algorithm: 'RSA', size: 2048 });
    const pem = Buffer.from(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    try {
      // Only into a Secret this issuer owns (or nobody does yet): never over a Certificate's.
      await secrets.write(ref.namespace, ref.name, { [ref.key]: pem }, undefined, { owner: issuerOwner(ctx.issuerKind, ctx.issuerName) });
    } catch (err) {
      if (err instanceof SecretOwnedError) throw ApplicationFailure.nonRetryable(`cannot generate the ACME account key: ${err.message}`, SECRET_OWNED_BY_OTHER);
      throw err;
    }
    // Re-read: if a concurrent attempt won the race, use the key it stored.
    return (await secrets.readKey(ref.namespace, ref.name, ref.key)) ?? pem;
  }

  async function eabFor(ctx: AcmeIssuerContext): Promise<acme.ClientExternalAccountBindingOptions | undefined> {
    const eab = ctx.acme.externalAccountBinding;
    if (!eab) return undefined;
    const { name, key } = eab.keySecretRef;
    const hmac = await secrets.readKey(ctx.secretNamespace, name, key);
    if (!hmac) {
      throw ApplicationFailure.nonRetryable(`external account binding Secret ${ctx.secretNamespace}/${name} (key ${key}) not found`, 'SecretNotFound');
    }
    return { kid: eab.keyID, hmacKey: hmac.toString('utf8').trim() };
  }

  const contextOf = (issuer: IssuerIdentity, spec: AcmeIssuerSpec): AcmeIssuerContext => ({
    issuerKind: issuer.kind,
    issuerName: issuer.name,
    secretNamespace: issuerSecretNamespace(issuer.kind, issuer.namespace, clusterResourceNamespace),
    acme: spec,
  });

  return {
    async registerAcmeAccount(issuer: IssuerIdentity, spec: AcmeIssuerSpec): Promise<AccountRegistration> {
      const ctx = contextOf(issuer, spec);
      const accountKey = await ensureAccountKey(ctx);
      const externalAccountBinding = await eabFor(ctx);
      const client = new acme.Client({ directoryUrl: ctx.acme.server, accountKey, externalAccountBinding });
      const contact = ctx.acme.email ? [`mailto:${ctx.acme.email}`] : [];
      // Every request under this issuer's own trust, policy and deadline (acme-http.ts).
      const accountUrl = await http.run(ctx.acme, async () => {
        const resp = ensureOk(
          await internals(client).api.apiResourceRequest('newAccount', { termsOfServiceAgreed: true, contact }, [], {
            includeJwsKid: false,
            includeExternalAccountBinding: Boolean(externalAccountBinding),
          }),
          'registering ACME account',
        );
        const url = resp.headers.location;
        if (typeof url !== 'string') throw new Error('ACME server returned no account URL (Location header)');
        const current = ((resp.data as { contact?: string[] }).contact ?? []).join(',');
        if (current !== contact.join(',')) {
          internals(client).api.accountUrl = url;
          ensureOk(await internals(client).api.apiRequest(url, { contact }), 'updating ACME account contact');
        }
        return url;
      });
      return { accountUrl, lastRegisteredEmail: ctx.acme.email, keyThumbprint: accountKeyThumbprint(accountKey) };
    },

    /**
     * Asks the CA about the account (POST-as-GET of its URL, signed with the stored key). A key
     * Secret that is missing or holds another key than the one registered means the account must
     * be registered again, without asking the CA.
     */
    async verifyAcmeAccount(issuer: IssuerIdentity, spec: AcmeIssuerSpec, account: RegisteredAccount): Promise<AccountVerification> {
      const ctx = contextOf(issuer, spec);
      const ref = accountKeyRef(ctx);
      const accountKey = await secrets.readKey(ref.namespace, ref.name, ref.key);
      if (!accountKey) return { valid: false, reason: `the account key Secret ${ref.namespace}/${ref.name} (key ${ref.key}) is missing` };
      const keyThumbprint = accountKeyThumbprint(accountKey);
      if (account.keyThumbprint && account.keyThumbprint !== keyThumbprint) {
        return { valid: false, reason: `the account key in Secret ${ref.namespace}/${ref.name} was replaced`, keyThumbprint };
      }
      const client = new acme.Client({ directoryUrl: ctx.acme.server, accountKey, accountUrl: account.url });
      const resp = await http.run(ctx.acme, () => internals(client).api.apiRequest(account.url, null));
      return { ...accountCheckOutcome(resp), keyThumbprint };
    },
  };
}
