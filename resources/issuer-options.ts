// Timing knobs of the Issuer workflow, given at start (from the service's configuration) and
// carried across continue-as-new.
export interface IssuerOptions {
  /** Verify the ACME account with the CA this often (a CA reset or a replaced key is found then at the latest). */
  accountRecheckMs: number;
}

export const DEFAULT_ISSUER_OPTIONS: IssuerOptions = {
  accountRecheckMs: 24 * 60 * 60_000,
};
