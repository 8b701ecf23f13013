import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortHash } from './hash.ts';
import {
  certificateRequestName,
  certificateRequestWorkflowId,
  certificateWorkflowId,
  challengeName,
  challengeWorkflowId,
  issuerWorkflowId,
  orderGateWorkflowId,
  orderName,
  orderWorkflowId,
} from './ids.ts';

const ids: Array<[string, string, string]> = [
  ['certificate', certificateWorkflowId('team-a', 'web'), 'certificate/team-a/web'],
  ['issuer', issuerWorkflowId('Issuer', 'team-a', 'le'), 'issuer/team-a/le'],
  ['clusterissuer ignores the namespace', issuerWorkflowId('ClusterIssuer', 'team-a', 'le'), 'clusterissuer/le'],
  ['certificate request name', certificateRequestName('web', 3), 'web-3'],
  ['certificaterequest', certificateRequestWorkflowId('team-a', certificateRequestName('web', 3)), 'certificaterequest/team-a/web-3'],
  ['order', orderWorkflowId('team-a', 'web-3-abc'), 'order/team-a/web-3-abc'],
  ['challenge', challengeWorkflowId('team-a', 'web-3-abc-def'), 'challenge/team-a/web-3-abc-def'],
  ['order gate of an Issuer', orderGateWorkflowId('Issuer', 'team-a', 'le'), 'order-gate/issuer/team-a/le'],
  ['order gate of a ClusterIssuer ignores the namespace', orderGateWorkflowId('ClusterIssuer', 'team-a', 'le'), 'order-gate/clusterissuer/le'],
];
for (const [name, actual, expected] of ids) {
  test(`workflow id: ${name} = ${expected}`, () => {
    assert.equal(actual, expected);
  });
}

const distinct: Array<[string, string, string]> = [
  ['different dnsNames', challengeName('web-3-o', 'a.example.com'), challengeName('web-3-o', 'b.example.com')],
  ['wildcard vs non-wildcard', challengeName('web-3-o', 'example.com', true), challengeName('web-3-o', 'example.com', false)],
  ['different orders', challengeName('web-3-o1', 'a.example.com'), challengeName('web-3-o2', 'a.example.com')],
  ['different order specs', orderName('web-3', { dnsNames: ['a'] }), orderName('web-3', { dnsNames: ['b'] })],
  ['shortHash of near-identical strings', shortHash('ab'), shortHash('ba')],
];
for (const [name, a, b] of distinct) {
  test(`ids differ for ${name}`, () => {
    assert.notEqual(a, b);
  });
}

const stable: Array<[string, () => string]> = [
  ['challengeName', () => challengeName('web-3-o', 'a.example.com', true)],
  ['orderName', () => orderName('web-3', { dnsNames: ['a.example.com'], ipAddresses: [] })],
  ['shortHash', () => shortHash('certificate/team-a/web')],
];
for (const [name, make] of stable) {
  test(`${name} is stable across calls`, () => {
    assert.equal(make(), make());
  });
}

const shapes: Array<[string, string, RegExp]> = [
  ['challengeName is order-<8 hex>', challengeName('web-3-o', 'a.example.com'), /^web-3-o-[0-9a-f]{8}$/],
  ['orderName is request-<8 hex>', orderName('web-3', {}), /^web-3-[0-9a-f]{8}$/],
  ['shortHash of empty string is 8 hex', shortHash(''), /^[0-9a-f]{8}$/],
  ['shortHash of a long string is 8 hex', shortHash('x'.repeat(10_000)), /^[0-9a-f]{8}$/],
];
for (const [name, value, re] of shapes) {
  test(name, () => {
    assert.match(value, re);
  });
}

test('shortHash is FNV-1a 32-bit (known vectors)', () => {
  // Reference values of FNV-1a 32: "" -> 811c9dc5, "a" -> e40c292c, "foobar" -> bf9cf968
  assert.equal(shortHash(''), '811c9dc5');
  assert.equal(shortHash('a'), 'e40c292c');
  assert.equal(shortHash('foobar'), 'bf9cf968');
});
