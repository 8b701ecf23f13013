import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  { name: 'YAML List expands to its items', body: `kind: List\napiVersion: v1\nitems:\n- ${JSON.stringify(issuer)}\n- ${JSON.stringify(cert)}\n`, contentType: 'text/yaml', docs: [issuer, cert] },
  { name: 'JSON object', body: JSON.stringify(issuer), contentType: 'application/json', docs: [issuer] },
  { name: 'JSON with charset parameter', body: JSON.stringify(cert), contentType: 'application/json; charset=utf-8', docs: [cert] },
  { name: 'JSON List', body: JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [issuer, cert] }), contentType: 'application/json', docs: [issuer, cert] },
  { name: 'JSON typed list', body: JSON.stringify({ kind: 'CertificateList', items: [cert] }), contentType: 'application/json', docs: [cert] },
  { name: 'JSON array', body: JSON.stringify([issuer, cert]), contentType: 'application/json', docs: [issuer, cert] },
  { name: 'JSON body without content type is still YAML-parsable', body: JSON.stringify(issuer), docs: [issuer] },
  { name: 'scalar YAML document is passed through for validation to reject', body: 'hello', docs: ['hello'] },
];

for (const c of okCases) {
  test(`parses ${c.name}`, () => {
    assert.deepEqual(parseManifestBody(c.body, c.contentType), { ok: true, docs: c.docs });
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
    const result = parseManifestBody(c.body, c.contentType);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, c.message);
  });
}
