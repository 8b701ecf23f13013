// The gRPC status code of an error from a Temporal call: the client wraps gRPC errors
// (ServiceError) and puts the code on a cause.
export function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** gRPC NOT_FOUND: the workflow, run or namespace a Temporal call named does not exist. */
export const GRPC_NOT_FOUND = 5;
