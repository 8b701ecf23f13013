import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepNonces, MAX_KEPT_NONCES, NONCE_MAX_AGE_MS, type NonceHttp } from './acme-nonces.ts';

/** A stand-in for acme-client's HttpClient: answers each request with the next numbered nonce. */
function fakeHttp() {
  let n = 0;
  const heads: string[] = [];
  const http: NonceHttp = {
    async request(_url, method) {
      n++;
      return { status: method === 'post' && n % 100 === 99 ? 400 : 200, headers: { 'replay-nonce': `n${n}` } };
    },
    async getNonce() {
      const resp = await this.request('https://ca.test/new-nonce', 'head');
      heads.push(resp.headers['replay-nonce'] as string);
      return resp.headers['replay-nonce'] as string;
    },
  };
  return { http, heads };
}

test('a signed request uses the nonce of the POST before it instead of asking newNonce', async () => {
  const { http, heads } = fakeHttp();
  let clock = 0;
  keepNonces(http, () => clock);
  assert.equal(await http.getNonce(), 'n1', 'nothing kept yet: asks the server');
  await http.request('https://ca.test/order', 'post');
  assert.equal(await http.getNonce(), 'n2', 'the POST answer’s nonce');
  assert.equal(await http.getNonce(), 'n3', 'each nonce is used once: the next one asks again');
  assert.deepEqual(heads, ['n1', 'n3']);

  await http.request('https://ca.test/dir', 'get');
  assert.equal(await http.getNonce(), 'n5', 'a GET answer is not kept');

  await http.request('https://ca.test/order', 'post');
  clock += NONCE_MAX_AGE_MS + 1;
  assert.equal(await http.getNonce(), 'n7', 'a nonce older than the limit is dropped');
});

test('error answers are not kept, and no more than MAX_KEPT_NONCES are held', async () => {
  const { http } = fakeHttp();
  keepNonces(http, () => 0);
  for (let i = 0; i < 98; i++) await http.request('https://ca.test/order', 'post');
  await http.request('https://ca.test/order', 'post'); // the 99th answers 400: not kept
  const got: string[] = [];
  for (let i = 0; i < MAX_KEPT_NONCES + 1; i++) got.push(await http.getNonce());
  assert.equal(got[0], 'n98', 'newest first, and the error answer’s n99 skipped');
  assert.equal(got[MAX_KEPT_NONCES - 1], `n${98 - MAX_KEPT_NONCES + 1}`);
  assert.equal(got[MAX_KEPT_NONCES], 'n100', 'past the kept ones it asks the server');
});
