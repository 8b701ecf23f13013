// acme-client clients for an issuer: account key read from the secret store inside the worker,
// the issuer's own TLS trust (caBundle, skipTLSVerify) and outbound policy for every request
// (acme-http.ts), and raw signed requests whose status and headers we keep. Clients are cached
// per trust, so the directory and JWK are not fetched every activity.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import * as acme from 'acme-client';
import { ApplicationFailure } from '@temporalio/common';
import type { SecretStore } from '../platform/secret-store.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import { accountKeyThumbprint } from './account-key-thumbprint.ts';
import { type AcmeResponse, ensureOk } from './acme-problem.ts';
import { type AcmeHttp, trustKey } from './acme-http.ts';
import { keepNonces, type NonceHttp } from './acme-nonces.ts';

// acme-client's typings hide its raw layer, which we need for status codes and Retry-After.
interface ClientInternals {
  api: {
    accountUrl: string | null;
    apiRequest(url: string, payload: unknown, valid?: number[]): Promise<AcmeResponse>;
    apiResourceRequest(resource: string, payload: unknown, valid: number[], opts: { includeJwsKid: boolean; includeExternalAccountBinding: boolean }): Promise<AcmeResponse>;
    http: NonceHttp<AcmeResponse> & {
      accountKey: Buffer | KeyObject;
      getResourceUrl(resource: string): Promise<string>;
      getDirectory(): Promise<Record<string, unknown>>;
    };
  };
}
export const internals = (client: acme.Client) => client as unknown as ClientInternals;

export const accountKeyRef = (ctx: AcmeIssuerContext) => ({
  namespace: ctx.secretNamespace,
  name: ctx.acme.privateKeySecretRef.name,
  key: ctx.acme.privateKeySecretRef.key ?? 'tls.key',
});

export class AcmeSessions {
  private readonly clients = new Map<string, acme.Client>();
  private readonly thumbprints = new Map<string, string>();

  constructor(
    private readonly secrets: SecretStore,
    readonly http: AcmeHttp,
  ) {}

  async accountKey(ctx: AcmeIssuerContext): Promise<Buffer> {
    const ref = accountKeyRef(ctx);
    const key = await this.secrets.readKey(ref.namespace, ref.name, ref.key);
    if (!key) {
      throw ApplicationFailure.nonRetryable(`ACME account key Secret ${ref.namespace}/${ref.name} (key ${ref.key}) not found`, 'SecretNotFound');
    }
    return key;
  }

  async client(ctx: AcmeIssuerContext, extra: Partial<acme.ClientOptions> = {}): Promise<acme.Client> {
    const accountKey = await this.accountKey(ctx);
    const keyHash = sha256(accountKey);
    if (ctx.accountKeyThumbprint && ctx.accountKeyThumbprint !== this.thumbprint(keyHash, accountKey)) {
      // Signing with the new key under the old account's URL would only earn a JWS error; the
      // Certificate hands this to its Issuer, which registers the new key (see account-rejection.ts).
      const ref = accountKeyRef(ctx);
      throw ApplicationFailure.nonRetryable(`the ACME account key in Secret ${ref.namespace}/${ref.name} was replaced since the account was registered`, 'AccountKeyChanged');
    }
    // The trust is part of the key: a directory fetched under one issuer's trust is not another's.
    const id = [ctx.acme.server, trustKey(ctx.acme), ctx.accountUrl ?? '', keyHash, extra.externalAccountBinding?.kid ?? ''].join('|');
    let client = this.clients.get(id);
    if (!client) {
      client = new acme.Client({ directoryUrl: ctx.acme.server, accountKey, accountUrl: ctx.accountUrl, ...extra });
      // acme-client keeps the PEM and parses it again for every signature, which costs as much
      // CPU as an RSA signature itself; signing with the parsed key gives the same JWS.
      internals(client).api.http.accountKey = createPrivateKey(accountKey);
      keepNonces(internals(client).api.http);
      this.clients.set(id, client);
    }
    return client;
  }

  private thumbprint(keyHash: string, accountKey: Buffer): string {
    let t = this.thumbprints.get(keyHash);
    if (!t) this.thumbprints.set(keyHash, (t = accountKeyThumbprint(accountKey)));
    return t;
  }

  /** A signed POST (or POST-as-GET when payload is null) with the account URL as kid. */
  async post(ctx: AcmeIssuerContext, url: string, payload: unknown, what: string, ok?: number[]): Promise<AcmeResponse> {
    const client = await this.client(ctx);
    return ensureOk(await this.http.run(ctx.acme, () => internals(client).api.apiRequest(url, payload)), what, ok);
  }

  async resourceUrl(ctx: AcmeIssuerContext, resource: string): Promise<string> {
    const client = await this.client(ctx);
    return this.http.run(ctx.acme, () => internals(client).api.http.getResourceUrl(resource));
  }

  async directory(ctx: AcmeIssuerContext): Promise<Record<string, unknown>> {
    const client = await this.client(ctx);
    return this.http.run(ctx.acme, () => internals(client).api.http.getDirectory());
  }

  /** An unauthenticated GET (ARI's renewalInfo is fetched this way). */
  async get(ctx: AcmeIssuerContext, url: string): Promise<AcmeResponse> {
    const client = await this.client(ctx);
    return this.http.run(ctx.acme, () => internals(client).api.http.request(url, 'get'));
  }

  async keyAuthorization(ctx: AcmeIssuerContext, challenge: { type: string; token: string }): Promise<string> {
    const client = await this.client(ctx);
    return client.getChallengeKeyAuthorization(challenge as Parameters<acme.Client['getChallengeKeyAuthorization']>[0]);
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
