import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

// A readable message from a failure chain: child workflow and activity failures wrap the error
// that matters, and the user wants that one (e.g. the ACME problem), not "Child failed".
export function rootMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let message = e?.message ?? String(err);
  while (e?.cause) {
    e = e.cause as { message?: string; cause?: unknown };
    if (e.message) message = e.message;
  }
  return message;
}

/** The type of an activity's ApplicationFailure (a local activity's comes unwrapped). */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
