import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DEFAULT_PARSE_LIMITS } from '../../resources/parse-body.ts';
import { announcedDocuments, decodeDeadlineMs, ManifestDecoder } from './decoder.ts';

const decoder = new ManifestDecoder({ deadlineMs: 1_000 });
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

const certificate = (i: number) =>
  `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c-${i}, namespace: ns}\nspec: {secretName: c-${i}-tls, dnsNames: [c-${i}.example.com], issuerRef: {name: le, kind: ClusterIssuer}}\n`;
const thousand = Array.from({ length: 1000 }, (_, i) => certificate(i)).join('---\n');

const announced: Array<[string, string, 'yaml' | 'json', number]> = [
  ['one YAML document', certificate(0), 'yaml', 1],
  ['1,000 YAML documents', thousand, 'yaml', 1000],
  ['a JSON object', '{"apiVersion":"v1","kind":"Secret"}', 'json', 1],
  ['a JSON List of 3', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [1, 2, 3].map(() => ({ apiVersion: 'v1', kind: 'Secret' })) }), 'json', 4],
  ['JSON without apiVersion', '[]', 'json', 1],
];
for (const [name, body, format, count] of announced) {
  test(`announcedDocuments: ${name}`, () => assert.equal(announcedDocuments(body, format), count));
}

const deadlines: Array<[string, number, number]> = [
  ['one document gets the base alone', 1, 2_000],
  ['1,000 documents get 5 s more', 1000, 2_000 + 5 * 999],
  ['more than the limit allows no more than the limit', 1_000_000, 2_000 + 5 * 1000],
];
for (const [name, count, ms] of deadlines) {
  test(`decodeDeadlineMs: ${name}`, () => assert.equal(decodeDeadlineMs(2_000, 5, count, { maxDocuments: 1000 }), ms));
}

test('1,000 documents are given time per document: decoded where the base deadline alone refuses them', async () => {
  const limits = { ...DEFAULT_PARSE_LIMITS, maxDocuments: 1000 };
  // They take 0.3-0.6 s of CPU: far over a 50 ms base, well within 50 ms + 5 ms a document.
  const strict = new ManifestDecoder({ deadlineMs: 50, msPerDocument: 0 });
  const allowing = new ManifestDecoder({ deadlineMs: 50, msPerDocument: 5 });
  try {
    await Promise.all([strict.warm(), allowing.warm()]);
    const refused = await strict.decode(thousand, 'yaml', limits);
    assert.equal(refused.ok, false);
    const decoded = await allowing.decode(thousand, 'yaml', limits);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.status.message);
    assert.equal(decoded.manifests.length, 1000);
  } finally {
    await Promise.all([strict.stop(), allowing.stop()]);
  }
});

test('an idle decoder stops its thread and starts one again for the next body', async () => {
  const idle = new ManifestDecoder({ idleMs: 100 });
  try {
    await idle.warm();
    assert.equal(idle.running, true);
    assert.ok((await idle.decode(certificate(1), 'yaml', DEFAULT_PARSE_LIMITS)).ok);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(idle.running, true, 'a body puts the idle clock back to zero');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(idle.running, false);
    const again = await idle.decode(certificate(2), 'yaml', DEFAULT_PARSE_LIMITS);
    assert.ok(again.ok);
    assert.equal(again.manifests[0]?.metadata.name, 'c-2');
  } finally {
    await idle.stop();
  }
});
