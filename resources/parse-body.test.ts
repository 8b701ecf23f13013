import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestFormat } from './content-type.ts';
import { parseManifestBody } from './parse-body.ts';

const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'a' } };
const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'b' } };

const okCases: Array<{ name: string; body: string; contentType?: string; docs: unknown[] }> = [
  { name: 'single YAML document', body: 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: a\n', docs: [issuer] },
  {
    name: 'multi-document YAML with empty documents skipped',
    body: '---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: a}\n---\n---\nkind: Certificate\napiVersion: cert-manager.io/v1\nmetadata: {name: b}\n',
    contentType: 'application/yaml',
    docs: [issuer, cert],
  },
  {
    name: 'YAML List expands to its items',
    body: `kind: List\napiVersion: v1\nitems:\n- ${JSON.stringify(issuer)}\n- ${JSON.stringify(cert)}\n`,
    contentType: 'text/yaml',
    docs: [issuer, cert],
  },
  { name: 'JSON object', body: JSON.stringify(issuer), contentType: 'application/json', docs: [issuer] },
  { name: 'JSON with charset parameter', body: JSON.stringify(cert), contentType: 'application/json; charset=utf-8', docs: [cert] },
  { name: 'JSON List', body: JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [issuer, cert] }), contentType: 'application/json', docs: [issuer, cert] },
  { name: 'JSON typed list', body: JSON.stringify({ kind: 'CertificateList', items: [cert] }), contentType: 'application/json', docs: [cert] },
  { name: 'JSON array', body: JSON.stringify([issuer, cert]), contentType: 'application/json', docs: [issuer, cert] },
  { name: 'JSON sent as YAML is YAML-parsable', body: JSON.stringify(issuer), docs: [issuer] },
  { name: 'scalar YAML document is passed through for validation to reject', body: 'hello', docs: ['hello'] },
];

for (const c of okCases) {
  test(`parses ${c.name}`, () => {
    assert.deepEqual(parseManifestBody(c.body, manifestFormat(c.contentType) ?? 'yaml'), { ok: true, docs: c.docs });
  });
}

const errorCases: Array<{ name: string; body: string; contentType?: string; message: RegExp }> = [
  { name: 'empty body', body: '', message: /^no manifests in body$/ },
  { name: 'only separators and comments', body: '---\n# nothing\n---\n', message: /^no manifests in body$/ },
  { name: 'empty JSON list', body: '{"kind":"List","items":[]}', contentType: 'application/json', message: /^no manifests in body$/ },
  { name: 'broken YAML with its position', body: 'kind: Issuer\nmetadata:\n  name: [a\n', message: /line \d+, column \d+/ },
  { name: 'duplicate YAML keys', body: 'kind: Issuer\nkind: Certificate\n', message: /unique/i },
  { name: 'broken JSON', body: '{"kind":', contentType: 'application/json', message: /^invalid JSON/ },
];

for (const c of errorCases) {
  test(`rejects ${c.name}`, () => {
    const result = parseManifestBody(c.body, manifestFormat(c.contentType) ?? 'yaml');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, c.message);
  });
}

const bomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');
const doc = (i: number) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}}\n`;

const limitCases: Array<{ name: string; body: string; format: 'yaml' | 'json'; code: number; message: RegExp }> = [
  { name: 'YAML alias bomb', body: bomb, format: 'yaml', code: 400, message: /alias/i },
  { name: 'JSON nested 5,000 deep', body: '['.repeat(5000) + ']'.repeat(5000), format: 'json', code: 400, message: /nested more than 64/ },
  { name: 'YAML flow nested 5,000 deep', body: '['.repeat(5000) + ']'.repeat(5000), format: 'yaml', code: 400, message: /nested more than 64/ },
  { name: 'YAML compact sequences 5,000 deep', body: `${'- '.repeat(5000)}x`, format: 'yaml', code: 400, message: /nested more than 64/ },
  { name: '1,001 YAML documents', body: Array.from({ length: 1001 }, (_, i) => doc(i)).join('---\n'), format: 'yaml', code: 413, message: /at most 1000 \(API_MAX_DOCUMENTS\)/ },
  {
    name: '2,000 YAML documents, refused before parsing',
    body: Array.from({ length: 2000 }, (_, i) => `---\n${doc(i)}`).join(''),
    format: 'yaml',
    code: 413,
    message: /2000 documents/,
  },
  { name: '1,001 JSON items', body: JSON.stringify({ kind: 'List', items: Array.from({ length: 1001 }, () => ({})) }), format: 'json', code: 413, message: /1001 documents/ },
];
for (const c of limitCases) {
  test(`refuses ${c.name} with ${c.code}, fast`, () => {
    const t = performance.now();
    const result = parseManifestBody(c.body, c.format);
    assert.ok(performance.now() - t < 500);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.code, c.code);
      assert.match(result.message, c.message);
    }
  });
}

test('1,000 documents are accepted, each with its own leading ---', () => {
  const result = parseManifestBody(Array.from({ length: 1000 }, (_, i) => `---\n${doc(i)}`).join(''), 'yaml');
  assert.equal(result.ok && result.docs.length, 1000);
});

test('1,000 documents separated by --- (none before the first) are accepted', () => {
  const result = parseManifestBody(Array.from({ length: 1000 }, (_, i) => doc(i)).join('---\n'), 'yaml');
  assert.equal(result.ok && result.docs.length, 1000);
});

test('a comment before the first --- is not a document', () => {
  const result = parseManifestBody(`# header\n%YAML 1.2\n${Array.from({ length: 500 }, (_, i) => `---\n${doc(i)}`).join('')}`, 'yaml');
  assert.equal(result.ok && result.docs.length, 500);
});

test('a few aliases are fine', () => {
  const result = parseManifestBody('a: &x {k: v}\nb: *x\n', 'yaml');
  assert.deepEqual(result, { ok: true, docs: [{ a: { k: 'v' }, b: { k: 'v' } }] });
});
