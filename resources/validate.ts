// Validates every document of a request and reports all problems at once, Kubernetes-style,
// so a user fixing a multi-document manifest does not have to resubmit once per mistake.
import type { z } from 'zod';
import type { FieldCause, Kind, Manifest } from './types.ts';
import { issuerSchema } from './issuer-schema.ts';
import { certificateSchema } from './certificate-schema.ts';
import { secretSchema } from './secret-schema.ts';
import { invalidValue, isRecord, showValue } from './field-checks.ts';
import { issuesToCauses } from './zod-causes.ts';

export type ValidateResult = { ok: true; manifests: Manifest[] } | { ok: false; causes: FieldCause[]; message: string };

const KINDS: Record<Kind, { apiVersion: string; group: string; schema: z.ZodType<Manifest> }> = {
  Issuer: { apiVersion: 'cert-manager.io/v1', group: 'cert-manager.io', schema: issuerSchema('Issuer') },
  ClusterIssuer: { apiVersion: 'cert-manager.io/v1', group: 'cert-manager.io', schema: issuerSchema('ClusterIssuer') },
  Certificate: { apiVersion: 'cert-manager.io/v1', group: 'cert-manager.io', schema: certificateSchema },
  Secret: { apiVersion: 'v1', group: '', schema: secretSchema },
};

const isKind = (kind: unknown): kind is Kind => typeof kind === 'string' && Object.hasOwn(KINDS, kind);

export function validateManifests(docs: unknown[]): ValidateResult {
  const manifests: Manifest[] = [];
  const failures: Array<{ index: number; causes: FieldCause[] }> = [];
  const seen = new Set<string>();
  for (const [index, doc] of docs.entries()) {
    const result = validateDocument(doc);
    if (!result.ok) {
      failures.push({ index, causes: result.causes });
      continue;
    }
    const { manifest } = result;
    if (seen.has(identity(manifest))) {
      const message = invalidValue(manifest.metadata.name, `the same ${manifest.kind} appears more than once in this request`);
      failures.push({ index, causes: [{ field: 'metadata.name', message, reason: 'FieldValueDuplicate' }] });
      continue;
    }
    seen.add(identity(manifest));
    manifests.push(manifest);
  }
  if (failures.length === 0) return { ok: true, manifests };

  const several = docs.length > 1;
  return {
    ok: false,
    causes: failures.flatMap(({ index, causes }) => (several ? causes.map((c) => ({ ...c, message: `${label(docs[index], index)}: ${c.message}` })) : causes)),
    message: failures.map(({ index, causes }) => `${resourceName(docs[index], index)} is invalid: ${causes.map(describe).join(', ')}`).join('; '),
  };
}

function validateDocument(doc: unknown): { ok: true; manifest: Manifest } | { ok: false; causes: FieldCause[] } {
  if (!isRecord(doc)) {
    return { ok: false, causes: [{ field: '', message: invalidValue(doc, 'a manifest must be an object with apiVersion, kind and metadata'), reason: 'FieldValueTypeInvalid' }] };
  }
  const { kind, apiVersion } = doc;
  if (!isKind(kind)) return { ok: false, causes: [unsupported('kind', kind, Object.keys(KINDS))] };
  const expected = KINDS[kind];
  if (apiVersion !== expected.apiVersion) return { ok: false, causes: [unsupported('apiVersion', apiVersion, [expected.apiVersion])] };
  const parsed = expected.schema.safeParse(doc, { reportInput: true });
  return parsed.success ? { ok: true, manifest: parsed.data } : { ok: false, causes: issuesToCauses(parsed.error.issues) };
}

function unsupported(field: string, value: unknown, supported: string[]): FieldCause {
  if (value === undefined) return { field, message: 'Required value', reason: 'FieldValueRequired' };
  const message = `Unsupported value: ${showValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`;
  return { field, message, reason: 'FieldValueNotSupported' };
}

function identity(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

function describe(c: FieldCause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

/** Reads identity from the raw document, since invalid documents never became manifests. */
function rawIdentity(doc: unknown): { kind: Kind; name: string; namespace: string } | undefined {
  if (!isRecord(doc) || !isKind(doc['kind']) || !isRecord(doc['metadata'])) return undefined;
  const { name, namespace } = doc['metadata'];
  if (typeof name !== 'string' || name === '') return undefined;
  return { kind: doc['kind'], name: clip(name), namespace: typeof namespace === 'string' && namespace !== '' ? clip(namespace) : 'default' };
}

/** An over-long name is named by its start: the whole of it would swamp the message. */
const clip = (s: string) => (s.length > 253 ? `${s.slice(0, 100)}...` : s);

/** "Certificate team-a/web", "ClusterIssuer letsencrypt", or "document 2". */
function label(doc: unknown, index: number): string {
  const id = rawIdentity(doc);
  if (!id) return `document ${index + 1}`;
  return id.kind === 'ClusterIssuer' ? `${id.kind} ${id.name}` : `${id.kind} ${id.namespace}/${id.name}`;
}

/** `Certificate.cert-manager.io "web"` as in kubectl's "... is invalid" errors. */
function resourceName(doc: unknown, index: number): string {
  const id = rawIdentity(doc);
  if (!id) return `document ${index + 1}`;
  const { group } = KINDS[id.kind];
  return `${group ? `${id.kind}.${group}` : id.kind} "${id.name}"`;
}
