// Which parser a manifest body gets, from its Content-Type. Anything else is refused (415): a
// browser can send text/plain cross-site without a preflight, so it must never be parsed.
export type ManifestFormat = 'yaml' | 'json';

const YAML = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

export function manifestFormat(contentType: string | undefined): ManifestFormat | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType) return undefined;
  if (YAML.has(mediaType)) return 'yaml';
  if (mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return 'json';
  return undefined;
}

export const SUPPORTED_MANIFEST_TYPES = 'application/yaml, application/x-yaml, text/yaml, text/x-yaml, application/json or application/*+json';
