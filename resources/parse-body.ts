// Turns a request body into raw documents. Shape checks happen later in validate.ts so that
// every document's problems can be reported together.
import { parseAllDocuments } from 'yaml';

export type ParseBodyResult = { ok: true; docs: unknown[] } | { ok: false; message: string };

export function parseManifestBody(body: string, contentType: string | undefined): ParseBodyResult {
  const parsed = contentType?.toLowerCase().includes('json') ? parseJson(body) : parseYaml(body);
  if (!parsed.ok) return parsed;
  const docs = parsed.docs.flatMap(expandList);
  if (docs.length === 0) return { ok: false, message: 'no manifests in body' };
  return { ok: true, docs };
}

function parseJson(body: string): ParseBodyResult {
  if (body.trim() === '') return { ok: true, docs: [] };
  try {
    const value: unknown = JSON.parse(body);
    return { ok: true, docs: Array.isArray(value) ? value : [value] };
  } catch (err) {
    return { ok: false, message: `invalid JSON: ${(err as Error).message}` };
  }
}

function parseYaml(body: string): ParseBodyResult {
  const docs: unknown[] = [];
  for (const doc of parseAllDocuments(body)) {
    const [error] = doc.errors;
    // yaml appends a multi-line source excerpt; the first line already names line and column.
    if (error) return { ok: false, message: `invalid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}` };
    const value: unknown = doc.toJS();
    // `---` separators with nothing between them are common in concatenated manifests.
    if (value !== null && value !== undefined) docs.push(value);
  }
  return { ok: true, docs };
}

/** `kubectl get -o yaml` of several objects yields a v1 List (or a typed list like CertificateList). */
function expandList(doc: unknown): unknown[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [doc];
  const { kind, items } = doc as { kind?: unknown; items?: unknown };
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items)) return items;
  return [doc];
}
