// An Issuer as the lookup activity hands it to a Certificate workflow: absent, or its readiness
// and the context its ACME activities need.
import type { AcmeIssuerContext } from './acme-issuer-context.ts';

export type ResolvedIssuer =
  | { found: false }
  /** `readySince`: the Ready condition's lastTransitionTime (resources/account-report.ts reads it). */
  | { found: true; ready: boolean; message: string; readySince?: string; context: AcmeIssuerContext };
