// The notices that an Order waits for its issuer's order slot (a message), or no longer does
// (none), as its CertificateRequest and Certificate receive them. An Order waits for its slot
// once, and each notice goes by a call of its own, which a retry can reorder: a wait notice after
// the end of the wait came late.
export function slotWaitNotices() {
  let ended = false;
  return {
    late: (waiting: string | undefined): boolean => waiting !== undefined && ended,
    seen(waiting: string | undefined): void {
      if (waiting === undefined) ended = true;
    },
  };
}
