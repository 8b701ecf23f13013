// The renew signal. A renew while a CertificateRequest is in flight is that request, as in
// cert-manager (Issuing is already True): it must not start a second one. Whether it came during
// the request is judged only once every job of its activation has been applied: the SDK applies
// signals before other jobs, so a renew delivered together with the request's result (as when the
// task that continues-as-new is retried because the signal arrived meanwhile) looked "in flight"
// to a handler that decided at once, and was lost. Such a renew came after the request.
import { condition } from '@temporalio/workflow';
import { isPatched } from './patches.ts';

const JUDGED_AFTER_ACTIVATION = 'renew-judged-after-activation';

/** Returns the signal handler; `force` is called for every renew that is not absorbed. */
export function renewHandler(requestInFlight: () => boolean, force: (on: boolean) => void): () => void {
  let pending = false;
  let judging = false;
  const judge = async () => {
    judging = true;
    for (;;) {
      await condition(() => pending);
      // A condition is only re-checked after the activation's jobs and their microtasks have run.
      await condition(() => true);
      pending = false;
      if (!requestInFlight()) force(true);
    }
  };
  return () => {
    // Runs started before this rule replay with the old one.
    if (!isPatched(JUDGED_AFTER_ACTIVATION)) return force(!requestInFlight());
    pending = true;
    if (!judging) void judge();
  };
}
