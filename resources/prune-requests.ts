// What the Certificate asks when it garbage-collects its CertificateRequests (activities/request-history.ts).
export interface PruneRequestsInput {
  namespace: string;
  certificateName: string;
  /** Requests of this revision and later are kept; without it (a deleted Certificate) none are. */
  keepFromRevision?: number;
}

export interface PruneRequestsResult {
  /** The requests deleted, each with its Orders and their Challenges. */
  deleted: string[];
}
