import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressRefusal, hostRefusal, parseCidrList, type OutboundPolicy } from './outbound-policy.ts';

const policy = (deny: string, allow: string): OutboundPolicy => {
  const d = parseCidrList(deny);
  const a = parseCidrList(allow);
  assert.ok(d.ok && a.ok);
  return { deny: d.cidrs, allow: a.cidrs };
};

test('parseCidrList accepts CIDRs and bare addresses, refuses the rest naming the entry', () => {
  const table: [string, string[] | RegExp][] = [
    ['', []],
    [' 10.0.0.0/8 , fd00::/8 ', ['10.0.0.0/8', 'fd00::/8']],
    ['192.0.2.1', ['192.0.2.1/32']],
    ['2001:db8::1', ['2001:db8::1/128']],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33"/],
    ['fd00::/129', /fd00::\/129/],
    ['10.0.0.0/8/1', /not a CIDR/],
    ['example.com/24', /"example\.com\/24"/],
    ['10.0.0.0/x', /not a CIDR/],
    ['10.0.0.0/', /not a CIDR/],
  ];
  for (const [input, want] of table) {
    const got = parseCidrList(input);
    if (Array.isArray(want)) assert.deepEqual(got.ok && got.cidrs.map((c) => c.text), want, input);
    else assert.match(got.ok ? 'ok' : got.message, want, input);
  }
});

test('addressRefusal: link-local and metadata refused by default, private and loopback allowed, lists on top', () => {
  const none = policy('', '');
  const denyTen = policy('10.0.0.0/8, 2001:db8::/32', '');
  const allowLinkLocal = policy('', '169.254.10.0/24, fe80::1');
  const allowInsideDeny = policy('10.0.0.0/8', '10.1.2.3');
  const table: [string, OutboundPolicy, RegExp | undefined][] = [
    ['169.254.169.254', none, /link-local or cloud metadata/],
    ['169.254.0.1', none, /link-local/],
    ['::ffff:169.254.169.254', none, /link-local/],
    ['::ffff:a9fe:a9fe', none, /link-local/],
    ['64:ff9b::a9fe:a9fe', none, /link-local/],
    ['fe80::1', none, /link-local/],
    ['febf::1', none, /link-local/],
    ['fec0::1', none, undefined],
    ['fd00:ec2::254', none, /metadata/],
    ['fd00:ec2::253', none, undefined],
    ['100.100.100.200', none, /metadata/],
    ['100.100.100.201', none, undefined],
    ['127.0.0.1', none, undefined],
    ['::1', none, undefined],
    ['10.0.0.5', none, undefined],
    ['192.168.1.1', none, undefined],
    ['172.16.0.1', none, undefined],
    ['fd12::1', none, undefined],
    ['8.8.8.8', none, undefined],
    ['10.0.0.5', denyTen, /OUTBOUND_DENY_CIDRS/],
    ['::ffff:10.0.0.5', denyTen, /OUTBOUND_DENY_CIDRS/],
    ['2001:db8::5', denyTen, /OUTBOUND_DENY_CIDRS/],
    ['11.0.0.5', denyTen, undefined],
    ['169.254.169.254', denyTen, /link-local/],
    ['169.254.10.7', allowLinkLocal, undefined],
    ['169.254.169.254', allowLinkLocal, /link-local/],
    ['fe80::1', allowLinkLocal, undefined],
    ['fe80::2', allowLinkLocal, /link-local/],
    ['10.1.2.3', allowInsideDeny, undefined],
    ['10.1.2.4', allowInsideDeny, /OUTBOUND_DENY_CIDRS/],
    ['not-an-ip', none, /not an IP address/],
  ];
  for (const [ip, p, want] of table) {
    const got = addressRefusal(ip, p);
    if (want) assert.match(got ?? 'allowed', want, ip);
    else assert.equal(got, undefined, ip);
  }
});

test('hostRefusal: metadata names and IP literals decided without DNS, other names left to resolution', () => {
  const table: [string, RegExp | undefined][] = [
    ['metadata.google.internal', /metadata endpoint/],
    ['METADATA.GOOGLE.INTERNAL.', /metadata endpoint/],
    ['metadata.goog', /metadata endpoint/],
    ['metadata', /metadata endpoint/],
    ['169.254.169.254', /link-local/],
    ['[fd00:ec2::254]', /metadata/],
    ['[fe80::1]', /link-local/],
    ['100.100.100.200', /metadata/],
    ['127.0.0.1', undefined],
    ['[::1]', undefined],
    ['acme-v02.api.letsencrypt.org', undefined],
    ['metadata.example.com', undefined],
    ['localhost', undefined],
  ];
  for (const [host, want] of table) {
    const got = hostRefusal(host);
    if (want) assert.match(got ?? 'allowed', want, host);
    else assert.equal(got, undefined, host);
  }
});
