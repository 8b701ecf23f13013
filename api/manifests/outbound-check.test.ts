import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutboundOptions } from '../../platform/config.ts';
import { parseCidrList } from '../../resources/outbound-policy.ts';
import type { IssuerManifest, Manifest } from '../../resources/types.ts';
import { outboundCauses } from './outbound-check.ts';

const issuer = (name: string, server: string, kind: 'Issuer' | 'ClusterIssuer' = 'Issuer'): IssuerManifest => ({
  apiVersion: 'cert-manager.io/v1',
  kind,
  metadata: kind === 'Issuer' ? { name, namespace: 'team-a' } : { name },
  spec: { acme: { server, privateKeySecretRef: { name: 'k' }, solvers: [{ http01: {} }] } },
});

const outbound = (deny = '', allow = ''): OutboundOptions => {
  const d = parseCidrList(deny);
  const a = parseCidrList(allow);
  assert.ok(d.ok && a.ok);
  return { policy: { deny: d.cidrs, allow: a.cidrs }, acmeHttpTimeoutMs: 15_000, nameservers: [] };
};

test('ACME server hosts are resolved and every answer checked against the policy', async () => {
  const table: [string, OutboundOptions, RegExp | undefined][] = [
    ['https://localhost:14000/dir', outbound(), undefined],
    ['https://localhost:14000/dir', outbound('127.0.0.0/8'), /^Forbidden: ACME server localhost resolves to 127\.0\.0\.1: 127\.0\.0\.1 is in OUTBOUND_DENY_CIDRS; refused/],
    ['https://localhost:14000/dir', outbound('127.0.0.0/8', '127.0.0.1/32'), undefined],
    ['https://10.1.2.3/dir', outbound('10.0.0.0/8'), /10\.1\.2\.3 is in OUTBOUND_DENY_CIDRS/],
    ['https://[::1]:14000/dir', outbound('::1'), /::1 is in OUTBOUND_DENY_CIDRS/],
    // Not resolvable now: left to the worker's connect-time check rather than refused.
    ['https://no-such-host.invalid/dir', outbound(), undefined],
  ];
  for (const [server, o, want] of table) {
    const causes = await outboundCauses([issuer('ca', server)], o);
    if (!want) {
      assert.deepEqual(causes, [], server);
      continue;
    }
    assert.equal(causes.length, 1, server);
    assert.equal(causes[0]!.field, 'spec.acme.server');
    assert.equal(causes[0]!.reason, 'FieldValueForbidden');
    assert.match(causes[0]!.message, want, server);
  }
});

test('several documents: only issuers are checked, each refusal names its issuer', async () => {
  const manifests: Manifest[] = [
    issuer('ok', 'https://127.0.0.1:14000/dir'),
    issuer('bad', 'https://localhost:14000/dir'),
    issuer('bad-cluster', 'https://localhost:14000/dir', 'ClusterIssuer'),
  ];
  const causes = await outboundCauses(manifests, outbound('127.0.0.1/32', ''));
  // 127.0.0.1 as a literal is denied too: the configured list applies to literals.
  assert.deepEqual(
    causes.map((c) => c.message.split(':')[0]),
    ['Issuer team-a/ok', 'Issuer team-a/bad', 'ClusterIssuer bad-cluster'],
  );
});
