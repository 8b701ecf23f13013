// Resolves ACME server names and checks every answer against the outbound policy. The API uses
// it to refuse an Issuer before anything starts; the worker's HTTP agents use it as their
// `lookup`, so a name whose DNS changed after the apply is refused again at connect time.
import dns from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, bareHost, hostRefusal, type OutboundPolicy } from '../resources/outbound-policy.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Raised when a host is, or resolves to, a refused address. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
}

export function refusalMessage(host: string, reason: string, address?: string): string {
  const target = address && address !== host ? `${host} resolves to ${address}: ` : '';
  return `ACME server ${target}${reason}; refused (OUTBOUND_ALLOW_CIDRS can allow a range explicitly)`;
}

/** All A/AAAA answers for a name, through `nameservers` when given, else the system resolver. */
export async function resolveHost(host: string, nameservers: string[]): Promise<ResolvedAddress[]> {
  if (isIP(host)) return [{ address: host, family: isIP(host) as 4 | 6 }];
  if (nameservers.length === 0) {
    const all = await dns.promises.lookup(host, { all: true });
    return all.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  }
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers(nameservers);
  const [v4, v6] = await Promise.all([resolver.resolve4(host).catch(() => []), resolver.resolve6(host).catch(() => [])]);
  const found = [...v4.map((address) => ({ address, family: 4 as const })), ...v6.map((address) => ({ address, family: 6 as const }))];
  if (found.length === 0) throw Object.assign(new Error(`${host} has no A or AAAA record at ${nameservers.join(',')}`), { code: 'ENOTFOUND' });
  return found;
}

/** The first refused answer, as a message, or undefined when every answer is allowed. */
export function answersRefusal(host: string, answers: ResolvedAddress[], policy: OutboundPolicy): string | undefined {
  for (const { address } of answers) {
    const reason = addressRefusal(address, policy);
    if (reason) return refusalMessage(host, reason, address);
  }
  return undefined;
}

/** Checks a host (name or literal) fully: names resolved, every answer checked. */
export async function checkHost(hostname: string, policy: OutboundPolicy, nameservers: string[]): Promise<{ refusal?: string; answers: ResolvedAddress[] }> {
  const host = bareHost(hostname);
  const early = hostRefusal(host, policy);
  if (early) return { refusal: refusalMessage(host, early), answers: [] };
  const answers = await resolveHost(host, nameservers);
  return { refusal: answersRefusal(host, answers, policy), answers };
}

/**
 * A `lookup` for http(s).Agent: resolves like resolveHost and fails the connection when any
 * answer is refused (a name that mixes a good and a metadata answer is a rebinding attempt).
 */
export function guardedLookup(policy: OutboundPolicy, nameservers: string[]): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    checkHost(hostname, policy, nameservers).then(
      ({ refusal, answers }) => {
        if (refusal) return callback(new OutboundRefusedError(refusal));
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? answers.filter((a) => a.family === family) : answers;
        if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }));
        if (options.all) return callback(null, usable);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: unknown) => callback(err),
    );
  }) as LookupFunction;
}
