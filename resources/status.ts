// Kubernetes metav1.Status bodies, so kubectl-style clients and humans get familiar error shapes.
import type { FieldCause } from './types.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: FieldCause[];
  /** A multi-document apply that failed part-way: what happened to each document. */
  items?: unknown[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code };
}

export function invalidStatus(message: string, causes: FieldCause[]): Status {
  return failureStatus(422, 'Invalid', message, { causes });
}

export function badRequestStatus(message: string): Status {
  return failureStatus(400, 'BadRequest', message);
}

/** `resource` is plural[.group], e.g. "certificates.cert-manager.io" or "secrets". */
export function notFoundStatus(resource: string, name: string): Status {
  const dot = resource.indexOf('.');
  const plural = dot === -1 ? resource : resource.slice(0, dot);
  const group = dot === -1 ? '' : resource.slice(dot + 1);
  return failureStatus(404, 'NotFound', `${resource} "${name}" not found`, { name, group, kind: plural });
}

export function unauthorizedStatus(): Status {
  return failureStatus(401, 'Unauthorized', 'Unauthorized');
}

export function forbiddenStatus(message: string): Status {
  return failureStatus(403, 'Forbidden', message);
}

export function tooLargeStatus(message: string): Status {
  return failureStatus(413, 'RequestEntityTooLarge', message);
}

export function unsupportedMediaTypeStatus(message: string): Status {
  return failureStatus(415, 'UnsupportedMediaType', message);
}

export function serviceUnavailableStatus(message: string): Status {
  return failureStatus(503, 'ServiceUnavailable', message);
}

export function internalErrorStatus(message: string): Status {
  return failureStatus(500, 'InternalError', message);
}
