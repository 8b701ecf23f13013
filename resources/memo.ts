// What each resource workflow publishes in its memo: the object the API returns (spec and
// status, never a secret). Temporal serves memos through describe and visibility lists without a
// worker, so reads keep working when every worker is stopped.
export const OBJECT_MEMO = 'object';
