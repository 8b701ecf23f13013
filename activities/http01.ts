// HTTP-01: present the key authorization where the responder serves it, check that the name
// really reaches it (as the CA will), and always remove it afterwards.
import { lookup, Resolver } from 'node:dns/promises';
import http from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import type { Http01TokenStore } from '../platform/http01-store.ts';
import { addressRefusal } from '../resources/outbound-policy.ts';
import type { AcmeIssuerContext } from '../resources/acme-issuer-context.ts';
import type { AcmeSessions } from './acme-session.ts';

export interface Http01Options {
  nameservers: string[];
  port: number;
}

export function http01Activities(store: Http01TokenStore, sessions: AcmeSessions, opts: Http01Options) {
  const resolver = opts.nameservers.length ? new Resolver({ timeout: 2000, tries: 2 }) : undefined;
  resolver?.setServers(opts.nameservers);

  async function addressOf(name: string): Promise<string> {
    if (!resolver) return (await lookup(name)).address;
    const v4 = await resolver.resolve4(name).catch(() => [] as string[]);
    if (v4[0]) return v4[0];
    const v6 = await resolver.resolve6(name).catch(() => [] as string[]);
    if (v6[0]) return v6[0];
    throw new Error(`${name} has no A or AAAA record at ${opts.nameservers.join(',')}`);
  }

  return {
    async presentHttp01(ctx: AcmeIssuerContext, token: string): Promise<string> {
      const keyAuthorization = await sessions.keyAuthorization(ctx, { type: 'http-01', token });
      await store.present(token, keyAuthorization);
      return keyAuthorization;
    },

    async selfCheckHttp01(dnsName: string, token: string, keyAuthorization: string): Promise<void> {
      const path = `/.well-known/acme-challenge/${token}`;
      const address = await addressOf(dnsName);
      // The answer is quoted into the status: never fetch it from a cloud metadata endpoint.
      const refused = addressRefusal(address);
      if (refused) throw ApplicationFailure.nonRetryable(`self check for http://${dnsName}${path} refused: ${dnsName} resolves to ${address}: ${refused}`, 'SelfCheckRefused');
      const got = await httpGet(address, opts.port, dnsName, path);
      if (got.status !== 200 || got.body.trim() !== keyAuthorization) {
        throw ApplicationFailure.retryable(
          `self check for http://${dnsName}${path} failed: got ${got.status} "${got.body.slice(0, 80)}" from ${address}:${opts.port}`,
          'SelfCheckFailed',
        );
      }
    },

    async cleanupHttp01(token: string): Promise<void> {
      await store.cleanup(token);
    },
  };
}

function httpGet(address: string, port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address, port, path, headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out fetching http://${host}${path}`)));
    req.on('error', reject);
  });
}
