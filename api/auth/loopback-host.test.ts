import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignHostReason } from './loopback-host.ts';

const open = { allowUnauthenticated: false };
const table: Array<[string | undefined, { apiToken?: string; allowUnauthenticated: boolean }, boolean]> = [
  ['localhost:8080', open, true],
  ['127.0.0.1:8080', open, true],
  ['127.1.2.3', open, true],
  ['[::1]:8080', open, true],
  ['evil.example:8080', open, false],
  ['10.0.0.5:8080', open, false],
  [undefined, open, false],
  ['evil.example:8080', { apiToken: 't', allowUnauthenticated: false }, true],
  ['evil.example:8080', { allowUnauthenticated: true }, true],
];
for (const [host, c, allowed] of table) {
  test(`Host ${host} with ${JSON.stringify(c)}: ${allowed ? 'served' : 'refused'}`, () => {
    const reason = foreignHostReason(host, c);
    assert.equal(reason === undefined, allowed, reason);
    if (!allowed) assert.match(reason!, /API_TOKEN/);
  });
}
