// Checks that need I/O (the secret store, DNS, ...) and run after validateManifests and before
// anything is applied. Each returns field causes; any cause refuses the whole request with 422.
import type { FieldCause, Manifest } from '../../resources/types.ts';
import type { ApiDeps } from '../deps.ts';

export type PreflightCheck = (deps: ApiDeps, manifests: Manifest[]) => Promise<FieldCause[]>;

const CHECKS: PreflightCheck[] = [];

export async function preflight(deps: ApiDeps, manifests: Manifest[], checks: PreflightCheck[] = CHECKS): Promise<FieldCause[]> {
  return (await Promise.all(checks.map((check) => check(deps, manifests)))).flat();
}
