import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindDecision, isLoopback } from './bind-policy.ts';

const loopback: [string, boolean][] = [
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['::1', true],
  ['[::1]', true],
  ['localhost', true],
  ['::ffff:127.0.0.1', true],
  ['0.0.0.0', false],
  ['::', false],
  ['10.0.0.1', false],
  ['192.168.1.1', false],
  ['example.com', false],
  ['128.0.0.1', false],
];
for (const [host, expected] of loopback) test(`isLoopback(${host}) = ${expected}`, () => assert.equal(isLoopback(host), expected));

const cases: { name: string; host: string; token?: string; allow?: boolean; ok: boolean; level?: string; mentions: string[] }[] = [
  { name: 'token on all interfaces', host: '0.0.0.0', token: 't', ok: true, level: 'info', mentions: ['API_TOKEN'] },
  { name: 'no token on loopback', host: '127.0.0.1', ok: true, level: 'info', mentions: ['loopback', 'API_TOKEN'] },
  { name: 'no token on all interfaces', host: '0.0.0.0', ok: false, mentions: ['API_TOKEN', 'ALLOW_UNAUTHENTICATED', '0.0.0.0'] },
  { name: 'no token on a LAN address', host: '10.1.2.3', ok: false, mentions: ['API_TOKEN'] },
  { name: 'explicitly unauthenticated', host: '0.0.0.0', allow: true, ok: true, level: 'warn', mentions: ['WITHOUT AUTHENTICATION'] },
];
for (const c of cases) {
  test(`bindDecision: ${c.name}`, () => {
    const d = bindDecision({ host: c.host, apiToken: c.token, allowUnauthenticated: c.allow ?? false });
    assert.equal(d.ok, c.ok);
    if (d.ok) assert.equal(d.level, c.level);
    for (const m of c.mentions) assert.ok(d.message.includes(m), `${d.message} mentions ${m}`);
  });
}
