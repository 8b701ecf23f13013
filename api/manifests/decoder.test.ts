import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DEFAULT_PARSE_LIMITS } from '../../resources/parse-body.ts';
import { ManifestDecoder } from './decoder.ts';

const decoder = new ManifestDecoder(1_000);
after(() => decoder.stop());

test('decodes on the worker and gives Secret data back as Buffers', async () => {
  const result = await decoder.decode('apiVersion: v1\nkind: Secret\nmetadata: {name: eab}\nstringData: {secret: hmac}\n', 'yaml', DEFAULT_PARSE_LIMITS);
  assert.ok(result.ok);
  const [secret] = result.manifests;
  assert.equal(secret?.kind, 'Secret');
  if (secret?.kind === 'Secret') {
    assert.ok(Buffer.isBuffer(secret.data.secret));
    assert.equal(secret.data.secret?.toString(), 'hmac');
  }
});

test('a body the parser chews on for seconds is refused at the deadline while the event loop stays free', async () => {
  // yaml's duplicate-key check is quadratic: 20,000 keys take several seconds.
  const body = Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join('\n');
  let ticks = 0;
  let longestGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const t = performance.now();
  const result = await decoder.decode(body, 'yaml', DEFAULT_PARSE_LIMITS);
  clearInterval(timer);
  const ms = performance.now() - t;
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.status.code, 413);
  assert.ok(ms < 2_000, `${ms} ms`);
  assert.ok(ticks > 20 && longestGap < 100, `${ticks} ticks, longest gap ${longestGap} ms`);
  // A new worker takes over for the next body.
  const next = await decoder.decode('{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}', 'json', DEFAULT_PARSE_LIMITS);
  assert.equal(next.ok, true);
});
