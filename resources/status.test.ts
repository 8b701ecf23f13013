import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badRequestStatus, internalErrorStatus, invalidStatus, notFoundStatus, serviceUnavailableStatus, unauthorizedStatus, type Status } from './status.ts';

const cases: Array<[string, Status, Partial<Status>]> = [
  [
    'invalid',
    invalidStatus('bad', [{ field: 'spec', message: 'Required value' }]),
    { code: 422, reason: 'Invalid', details: { causes: [{ field: 'spec', message: 'Required value' }] } },
  ],
  ['bad request', badRequestStatus('no manifests in body'), { code: 400, reason: 'BadRequest', message: 'no manifests in body' }],
  [
    'not found',
    notFoundStatus('certificates.cert-manager.io', 'web'),
    { code: 404, reason: 'NotFound', message: 'certificates.cert-manager.io "web" not found', details: { name: 'web', group: 'cert-manager.io', kind: 'certificates' } },
  ],
  ['core not found', notFoundStatus('secrets', 'eab'), { code: 404, message: 'secrets "eab" not found', details: { name: 'eab', group: '', kind: 'secrets' } }],
  ['unauthorized', unauthorizedStatus(), { code: 401, reason: 'Unauthorized' }],
  ['unavailable', serviceUnavailableStatus('temporal down'), { code: 503, reason: 'ServiceUnavailable', message: 'temporal down' }],
  ['internal', internalErrorStatus('boom'), { code: 500, reason: 'InternalError' }],
];

for (const [name, status, expected] of cases) {
  test(`${name} status is a Kubernetes Failure Status`, () => {
    assert.deepEqual(
      { kind: status.kind, apiVersion: status.apiVersion, status: status.status, metadata: status.metadata },
      { kind: 'Status', apiVersion: 'v1', status: 'Failure', metadata: {} },
    );
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(status[key as keyof Status], value);
  });
}
