// Turns a request body into raw documents. Shape checks happen later in validate.ts so that
// every document's problems can be reported together. Hostile shapes (deep nesting, alias bombs,
// too many documents) are refused here, before anything recursive runs.
import { parseAllDocuments } from 'yaml';
import type { ManifestFormat } from './content-type.ts';
import { jsonDepth, yamlDepth } from './nesting-depth.ts';

export interface ParseLimits {
  maxDocuments: number;
  /** Deepest nesting of objects and lists; manifests need about a dozen. */
  maxDepth: number;
  /** YAML aliases (*ref) per document: an alias bomb expands each one many times over. */
  maxAliases: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDocuments: 1000, maxDepth: 64, maxAliases: 100 };

export type ParseBodyResult = { ok: true; docs: unknown[] } | { ok: false; code: 400 | 413; message: string };

const bad = (message: string): ParseBodyResult => ({ ok: false, code: 400, message });

export function parseManifestBody(body: string, format: ManifestFormat, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseBodyResult {
  const depth = format === 'json' ? jsonDepth(body, limits.maxDepth) : yamlDepth(body, limits.maxDepth);
  if (depth > limits.maxDepth) return bad(`invalid ${format === 'json' ? 'JSON' : 'YAML'}: nested more than ${limits.maxDepth} levels deep`);
  const parsed = format === 'json' ? parseJson(body) : parseYaml(body, limits);
  if (!parsed.ok) return parsed;
  const docs = parsed.docs.flatMap(expandList);
  if (docs.length === 0) return bad('no manifests in body');
  if (docs.length > limits.maxDocuments) return tooMany(docs.length, limits);
  return { ok: true, docs };
}

const tooMany = (count: number, limits: ParseLimits): ParseBodyResult => ({
  ok: false,
  code: 413,
  message: `${count} documents in one request; at most ${limits.maxDocuments} (API_MAX_DOCUMENTS) are accepted`,
});

function parseJson(body: string): ParseBodyResult {
  if (body.trim() === '') return { ok: true, docs: [] };
  try {
    const value: unknown = JSON.parse(body);
    return { ok: true, docs: Array.isArray(value) ? value : [value] };
  } catch (err) {
    return bad(`invalid JSON: ${(err as Error).message}`);
  }
}

const DOCUMENT_MARKER = /^---(?:[ \t]|$)/gm;
const CONTENT_LINE = /^[ \t]*[^\s#%]/m;

/** Documents a YAML stream announces: one per `---`, plus one for content before the first. Empty ones are counted too. */
export function countYamlDocuments(body: string): number {
  const markers = [...body.matchAll(DOCUMENT_MARKER)];
  const beforeFirst = body.slice(0, markers[0]?.index ?? body.length);
  return markers.length + (CONTENT_LINE.test(beforeFirst) ? 1 : 0);
}

function parseYaml(body: string, limits: ParseLimits): ParseBodyResult {
  // Refuse a flood before paying for parsing it.
  const announced = countYamlDocuments(body);
  if (announced > limits.maxDocuments) return tooMany(announced, limits);
  const parsed = parseAllDocuments(body);
  const docs: unknown[] = [];
  for (const doc of parsed) {
    const [error] = doc.errors;
    // yaml appends a multi-line source excerpt; the first line already names line and column.
    if (error) return bad(`invalid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliases });
    } catch (err) {
      // yaml throws ReferenceError "Excessive alias count indicates a resource exhaustion attack".
      return bad(`invalid YAML: ${(err as Error).message} (at most ${limits.maxAliases} aliases per document)`);
    }
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
