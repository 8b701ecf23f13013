import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSecretReaders } from '../../platform/secret-readers.ts';
import { requestAccess, secretAccess } from './access.ts';
import { bearerOf, type Bearer } from './bearer.ts';
import { crossSiteReason } from './cross-site.ts';

const both = { apiToken: 'api-t', apiSecretsToken: 'sec-t' };

const bearers: [string | undefined, Bearer][] = [
  [undefined, 'none'],
  ['', 'none'],
  ['Bearer api-t', 'api'],
  ['bearer api-t', 'api'],
  ['Bearer sec-t', 'secrets'],
  ['Bearer api-t2', 'unknown'],
  ['Bearer api', 'unknown'],
  ['api-t', 'unknown'],
  ['Basic YXBpLXQ=', 'unknown'],
  ['Bearer ', 'unknown'],
];
for (const [header, expected] of bearers) test(`bearerOf(${JSON.stringify(header)}) = ${expected}`, () => assert.equal(bearerOf(header, both), expected));

test('bearerOf: an unset token never matches', () => assert.equal(bearerOf('Bearer x', {}), 'unknown'));

const SECRET = '/api/v1/namespaces/default/secrets/web-tls';
const CERT = '/apis/cert-manager.io/v1/namespaces/default/certificates/web';
const SECRETS = '/api/v1/namespaces/default/secrets';
const ALL_SECRETS = '/api/v1/secrets';
const readers = parseSecretReaders('[{"name":"web-1","token":"reader-t","rules":[{"namespace":"default","names":["web-tls"]}]}]');
const reader: Bearer = { reader: readers[0]! };
const withReaders = { ...both, secretReaders: readers };
const onlyReaders = { apiToken: 'api-t', secretReaders: readers };

test('bearerOf: a reader token names its reader', () => assert.deepEqual(bearerOf('Bearer reader-t', withReaders), reader));
test('bearerOf: the reader token means nothing without the reader configured', () => assert.equal(bearerOf('Bearer reader-t', both), 'unknown'));

const readerCases: Array<[string, string, Bearer, typeof onlyReaders | typeof withReaders | typeof both, number | undefined, number | undefined]> = [
  ['reader on its Secret', SECRET, reader, withReaders, undefined, undefined],
  ['reader on the namespace list', SECRETS, reader, withReaders, undefined, undefined],
  ['reader on the all-namespaces list', ALL_SECRETS, reader, withReaders, undefined, undefined],
  ['reader elsewhere', CERT, reader, withReaders, 403, undefined],
  ['reader cannot apply', '/v1/manifests', reader, withReaders, 403, undefined],
  ['reader without API_SECRETS_TOKEN configured', SECRET, reader, onlyReaders, undefined, undefined],
  ['API_TOKEN on the list, readers configured', SECRETS, 'api', onlyReaders, undefined, 403],
  ['no bearer on the list, readers only', SECRETS, 'none', onlyReaders, 401, 401],
  ['secrets token on the list', SECRETS, 'secrets', both, undefined, undefined],
  ['secrets token on the all-namespaces list', ALL_SECRETS, 'secrets', both, undefined, undefined],
];
for (const [what, path, bearer, tokens, request, secret] of readerCases) {
  test(`access: ${what}`, () => {
    assert.equal(requestAccess(path, bearer, tokens)?.code, request);
    if (request === undefined) assert.equal(secretAccess(bearer, tokens)?.code, secret);
  });
}
const cases: { name: string; path: string; bearer: Bearer; tokens: typeof both | Partial<typeof both>; request?: number; secret?: number }[] = [
  { name: 'health is public', path: '/healthz', bearer: 'none', tokens: both },
  { name: 'no bearer, token set', path: CERT, bearer: 'none', tokens: both, request: 401 },
  { name: 'wrong bearer', path: CERT, bearer: 'unknown', tokens: both, request: 401 },
  { name: 'API_TOKEN reads resources', path: CERT, bearer: 'api', tokens: both },
  { name: 'API_TOKEN on the secret route', path: SECRET, bearer: 'api', tokens: both, secret: 403 },
  { name: 'secrets token on the secret route', path: SECRET, bearer: 'secrets', tokens: both },
  { name: 'secrets token elsewhere', path: CERT, bearer: 'secrets', tokens: both, request: 403 },
  { name: 'secrets token cannot apply', path: '/v1/manifests', bearer: 'secrets', tokens: both, request: 403 },
  { name: 'no secrets token configured: 403 for API_TOKEN', path: SECRET, bearer: 'api', tokens: { apiToken: 'a' }, secret: 403 },
  { name: 'no tokens at all (loopback): resources open', path: CERT, bearer: 'none', tokens: {} },
  { name: 'no tokens at all (loopback): secrets closed', path: SECRET, bearer: 'none', tokens: {}, secret: 403 },
  { name: 'loopback with secrets token: no bearer on secrets', path: SECRET, bearer: 'none', tokens: { apiSecretsToken: 's' }, secret: 401 },
  { name: 'no bearer on secrets, token set', path: SECRET, bearer: 'none', tokens: both, request: 401, secret: 401 },
];
for (const c of cases) {
  test(`access: ${c.name}`, () => {
    assert.equal(requestAccess(c.path, c.bearer, c.tokens)?.code, c.request);
    if (c.path === SECRET) assert.equal(secretAccess(c.bearer, c.tokens)?.code, c.secret);
  });
}

test('API_TOKEN on secrets: the message names API_SECRETS_TOKEN', () => {
  const s = secretAccess('api', both);
  assert.equal(s?.reason, 'Forbidden');
  assert.match(s?.message ?? '', /API_SECRETS_TOKEN/);
});

const crossSite: { name: string; method: string; site?: string; origin?: string; host?: string; refused: boolean }[] = [
  { name: 'curl POST', method: 'POST', host: 'localhost:8080', refused: false },
  { name: 'cross-site POST', method: 'POST', site: 'cross-site', refused: true },
  { name: 'same-site POST', method: 'POST', site: 'same-site', refused: true },
  { name: 'same-origin POST', method: 'POST', site: 'same-origin', origin: 'http://localhost:8080', host: 'localhost:8080', refused: false },
  { name: 'user typed URL', method: 'POST', site: 'none', refused: false },
  { name: 'foreign Origin', method: 'POST', origin: 'https://evil.example', host: 'localhost:8080', refused: true },
  { name: 'Origin with other port', method: 'DELETE', origin: 'http://localhost:3000', host: 'localhost:8080', refused: true },
  { name: 'Origin null', method: 'PUT', origin: 'null', host: 'localhost:8080', refused: true },
  { name: 'cross-site GET is a read', method: 'GET', site: 'cross-site', origin: 'https://evil.example', refused: false },
  { name: 'PATCH cross-site', method: 'PATCH', site: 'cross-site', refused: true },
];
for (const c of crossSite) {
  test(`crossSiteReason: ${c.name}`, () => {
    assert.equal(crossSiteReason(c.method, { secFetchSite: c.site, origin: c.origin, host: c.host }) !== undefined, c.refused);
  });
}
