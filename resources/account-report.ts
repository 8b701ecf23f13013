// After a Certificate told its Issuer that the CA refused the Issuer's account, what the Issuer's
// published state says about that report. The Issuer answers a report by setting Ready False
// while it verifies the account, then True: with a new account URL if it registered again, with
// the same one if the account was fine. Until it has read the report, its memo still shows the
// account as it was: Ready, the same URL, and a Ready condition older than the report.

export interface AccountReport {
  accountUrl?: string;
  message: string;
  /** Workflow time (ms) just before the report was sent; absent in runs recorded before it was kept. */
  at?: number;
}

export type ReportAnswer = 'reregistered' | 'accountFine' | 'unread';

/** An Issuer that has not read a report after this long is taken to have found the account fine. */
export const REPORT_ANSWER_WAIT_MS = 60_000;

export function issuerAnswer(report: AccountReport, issuer: { accountUrl?: string; readySince?: string }, now: number): ReportAnswer {
  if (issuer.accountUrl !== report.accountUrl) return 'reregistered';
  if (report.at === undefined) return 'accountFine';
  // lastTransitionTime is kept to the second: a change in the report's own second counts as an answer.
  const since = issuer.readySince ? Date.parse(issuer.readySince) : Number.NaN;
  if (since >= Math.floor(report.at / 1000) * 1000) return 'accountFine';
  return now - report.at < REPORT_ANSWER_WAIT_MS ? 'unread' : 'accountFine';
}
