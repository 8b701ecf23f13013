// A request body to validated manifests, or the Status that refuses it: parse within limits,
// then validate every document. Pure, so the API can run it off its event loop (a worker thread).
import type { ManifestFormat } from './content-type.ts';
import { parseManifestBody, type ParseLimits } from './parse-body.ts';
import { badRequestStatus, invalidStatus, tooLargeStatus, type Status } from './status.ts';
import type { Manifest } from './types.ts';
import { validateManifests } from './validate.ts';

export type DecodeResult = { ok: true; manifests: Manifest[] } | { ok: false; status: Status };

export function decodeManifests(body: string, format: ManifestFormat, limits: ParseLimits): DecodeResult {
  const parsed = parseManifestBody(body, format, limits);
  if (!parsed.ok) return { ok: false, status: parsed.code === 413 ? tooLargeStatus(parsed.message) : badRequestStatus(parsed.message) };
  const validated = validateManifests(parsed.docs);
  if (!validated.ok) return { ok: false, status: invalidStatus(validated.message, validated.causes) };
  return { ok: true, manifests: validated.manifests };
}

/** Secret data crosses a thread boundary as Uint8Array; make it Buffers again. */
export function reviveManifests(manifests: Manifest[]): Manifest[] {
  return manifests.map((m) =>
    m.kind === 'Secret' ? { ...m, data: Object.fromEntries(Object.entries(m.data).map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength)])) } : m,
  );
}
