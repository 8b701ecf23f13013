// POST /v1/manifests: parse within limits, validate every document, run the preflight checks,
// then apply in phases (apply-phases.ts). Nothing is applied unless all of that passes.
import { Hono } from 'hono';
import { manifestFormat, SUPPORTED_MANIFEST_TYPES } from '../../resources/content-type.ts';
import { DEFAULT_PARSE_LIMITS, parseManifestBody } from '../../resources/parse-body.ts';
import { badRequestStatus, invalidStatus, tooLargeStatus, unsupportedMediaTypeStatus } from '../../resources/status.ts';
import { validateManifests } from '../../resources/validate.ts';
import type { ApiDeps } from '../deps.ts';
import { statusResponse } from '../errors.ts';
import { applyOne } from './apply-one.ts';
import { applyInPhases } from './apply-phases.ts';
import { appliedItems, partialApplyStatus } from './apply-report.ts';
import { preflight } from './preflight.ts';

export type { AppliedItem } from './apply-report.ts';

export function applyRoutes(deps: ApiDeps) {
  const app = new Hono();
  app.post('/v1/manifests', async (c) => {
    const contentType = c.req.header('content-type');
    const format = manifestFormat(contentType);
    if (!format) return statusResponse(c, unsupportedMediaTypeStatus(`Content-Type ${JSON.stringify(contentType ?? '')} is not supported: send ${SUPPORTED_MANIFEST_TYPES}`));
    const parsed = parseManifestBody(await c.req.text(), format, { ...DEFAULT_PARSE_LIMITS, maxDocuments: deps.config.api.maxDocuments });
    if (!parsed.ok) return statusResponse(c, parsed.code === 413 ? tooLargeStatus(parsed.message) : badRequestStatus(parsed.message));
    const validated = validateManifests(parsed.docs);
    if (!validated.ok) return statusResponse(c, invalidStatus(validated.message, validated.causes));
    const causes = await preflight(deps, validated.manifests);
    if (causes.length > 0) return statusResponse(c, invalidStatus(causes.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)).join('; '), causes));
    const outcome = await applyInPhases(validated.manifests, (m) => applyOne(deps, m), deps.config.api.applyConcurrency);
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
