// POST /v1/manifests: parse within limits and validate every document (off the event loop, see
// decoder.ts), run the preflight checks, then apply in phases (apply-phases.ts). Nothing is
// applied unless all of that passes.
import { Hono } from 'hono';
import { manifestFormat, SUPPORTED_MANIFEST_TYPES } from '../../resources/content-type.ts';
import { DEFAULT_PARSE_LIMITS } from '../../resources/parse-body.ts';
import { invalidStatus, unsupportedMediaTypeStatus } from '../../resources/status.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse } from '../errors.ts';
import { applyOne } from './apply-one.ts';
import { applyInPhases } from './apply-phases.ts';
import { ManifestDecoder } from './decoder.ts';
import { appliedItems, partialApplyStatus } from './apply-report.ts';
import { preflight } from './preflight.ts';
import { ownershipMessage, recordClaims } from './ownership.ts';

export type { AppliedItem } from './apply-report.ts';

export function applyRoutes(deps: ApiDeps) {
  const app = new Hono();
  const decoder = deps.decoder ?? new ManifestDecoder();
  const limits = { ...DEFAULT_PARSE_LIMITS, maxDocuments: deps.config.api.maxDocuments };
  app.post('/v1/manifests', async (c) => {
    const contentType = c.req.header('content-type');
    const format = manifestFormat(contentType);
    if (!format) return statusResponse(c, unsupportedMediaTypeStatus(`Content-Type ${JSON.stringify(contentType ?? '')} is not supported: send ${SUPPORTED_MANIFEST_TYPES}`));
    const decoded = await decoder.decode(await c.req.text(), format, limits);
    if (!decoded.ok) return statusResponse(c, decoded.status);
    const causes = await preflight(deps, decoded.manifests);
    if (causes.length > 0) return statusResponse(c, invalidStatus(causes.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)).join('; '), causes));
    const claims = await recordClaims(decoded.manifests, deps.secrets, deps.config);
    if (claims.causes.length > 0) return statusResponse(c, invalidStatus(ownershipMessage(claims.causes), claims.causes));
    const outcome = await applyInPhases(decoded.manifests, (m) => applyOne(deps, m), deps.config.api.applyConcurrency);
    const applied = new Set(outcome.items.filter((i) => i.state === 'applied').map((i) => i.manifest));
    const created = new Set(outcome.items.filter((i) => i.state === 'applied' && i.result === 'created').map((i) => i.manifest));
    await claims.settle(
      (m) => applied.has(m),
      (m) => created.has(m),
    );
    if (outcome.failed) {
      deps.log.error({ err: outcome.firstError }, 'apply failed');
      return statusResponse(c, partialApplyStatus(outcome));
    }
    const items = appliedItems(outcome);
    deps.log.info({ items }, 'applied manifests');
    return c.json({ items });
  });
  return app;
}
