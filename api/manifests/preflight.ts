// Checks that need I/O (the secret store, DNS, ...) and run after validateManifests and before
// anything is applied. Each returns field causes; any cause refuses the whole request with 422.
import type { FieldCause, Manifest } from '../../resources/types.ts';
import type { ApiDeps } from '../deps.ts';
import { outboundCauses } from './outbound-check.ts';
import { ownershipConflicts } from './ownership.ts';

export type PreflightCheck = (deps: ApiDeps, manifests: Manifest[]) => Promise<FieldCause[]>;

const CHECKS: PreflightCheck[] = [
  // ACME servers that resolve into refused ranges (link-local, cloud metadata, OUTBOUND_DENY_CIDRS).
  (deps, manifests) => outboundCauses(manifests, deps.config.outbound),
  // A second owner for a Secret, in this request or against the owners the store records.
  (deps, manifests) => ownershipConflicts(manifests, deps.secrets, deps.config),
];

export async function preflight(deps: ApiDeps, manifests: Manifest[], checks: PreflightCheck[] = CHECKS): Promise<FieldCause[]> {
  return (await Promise.all(checks.map((check) => check(deps, manifests)))).flat();
}
