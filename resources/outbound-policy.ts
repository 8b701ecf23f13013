// Which addresses the service may connect to as an ACME server. Link-local ranges and cloud
// metadata endpoints are refused by default (an Issuer is user input: its server URL must not
// turn the worker into a proxy to the host's credentials). Private and loopback ranges stay
// allowed: internal CAs (step-ca, Pebble in tests) live there. Pure; no DNS here.
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  text: string;
}

export interface OutboundPolicy {
  /** OUTBOUND_DENY_CIDRS: refused on top of the built-in denial. */
  deny: Cidr[];
  /** OUTBOUND_ALLOW_CIDRS: allowed even inside a built-in (or configured) denied range. */
  allow: Cidr[];
}

/** Link-local and metadata ranges, also as IPv4-mapped/NAT64/6to4 IPv6 (BlockList maps ::ffff:a.b.c.d itself). */
export const BUILT_IN_DENY: readonly string[] = [
  '169.254.0.0/16', // IPv4 link-local; AWS, GCP, Azure, OpenStack, DigitalOcean metadata at 169.254.169.254
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
  '100.100.100.200/32', // Alibaba Cloud metadata
  '64:ff9b::a9fe:0/112', // NAT64 form of 169.254.0.0/16
  '2002:a9fe::/32', // 6to4 form of 169.254.0.0/16
];

/** Names of metadata services; refused whatever they resolve to. Compared without a trailing dot. */
export const METADATA_HOSTS: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.platformequinix.com',
];

export const EMPTY_POLICY: OutboundPolicy = { deny: [], allow: [] };

export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6', text: `${address}/${prefix}` };
}

/** Comma-separated CIDRs (a bare address means /32 or /128); reports the first bad entry. */
export function parseCidrList(text: string | undefined): { ok: true; cidrs: Cidr[] } | { ok: false; message: string } {
  const cidrs: Cidr[] = [];
  for (const part of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const cidr = parseCidr(part);
    if (!cidr) return { ok: false, message: `"${part}" is not a CIDR like 10.0.0.0/8 or fd00::/8` };
    cidrs.push(cidr);
  }
  return { ok: true, cidrs };
}

function blockList(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
  return list;
}

const builtIn = blockList(BUILT_IN_DENY.map((t) => parseCidr(t)!));
const lists = new WeakMap<OutboundPolicy, { deny: BlockList; allow: BlockList }>();

function listsOf(policy: OutboundPolicy) {
  let l = lists.get(policy);
  if (!l) lists.set(policy, (l = { deny: blockList(policy.deny), allow: blockList(policy.allow) }));
  return l;
}

/** Why connecting to this IP address is refused, or undefined when it is allowed. */
export function addressRefusal(ip: string, policy: OutboundPolicy = EMPTY_POLICY): string | undefined {
  const version = isIP(ip);
  if (version === 0) return `"${ip}" is not an IP address`;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const { deny, allow } = listsOf(policy);
  if (allow.check(ip, family)) return undefined;
  if (deny.check(ip, family)) return `${ip} is in OUTBOUND_DENY_CIDRS`;
  if (builtIn.check(ip, family)) return `${ip} is a link-local or cloud metadata address`;
  return undefined;
}

/** A URL's hostname without IPv6 brackets or a trailing dot, lower-cased. */
export function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * What can be decided about a host without DNS: refused metadata names and IP literals.
 * Undefined means "allowed so far": a name still has to be resolved and checked.
 */
export function hostRefusal(hostname: string, policy: OutboundPolicy = EMPTY_POLICY): string | undefined {
  const host = bareHost(hostname);
  if (METADATA_HOSTS.includes(host)) return `${host} is a cloud metadata endpoint`;
  return isIP(host) ? addressRefusal(host, policy) : undefined;
}
