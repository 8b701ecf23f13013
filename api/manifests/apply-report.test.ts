import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Manifest } from '../../resources/types.ts';
import { partialApplyStatus } from './apply-report.ts';

const m = (kind: Manifest['kind'], name: string) =>
  ({ apiVersion: kind === 'Secret' ? 'v1' : 'cert-manager.io/v1', kind, metadata: { name, namespace: 'team-a' } }) as unknown as Manifest;

test('a part-way failure answers with the error status and every item in details.items', () => {
  const error = Object.assign(new Error('Temporal is down'), { code: 14 });
  const status = partialApplyStatus({
    failed: true,
    firstError: error,
    items: [
      { manifest: m('Secret', 'eab'), state: 'applied', result: 'created' },
      { manifest: m('Issuer', 'le'), state: 'failed', error },
      { manifest: m('Certificate', 'web'), state: 'notAttempted' },
    ],
  });
  assert.equal(status.code, 503);
  assert.match(status.message, /Temporal is unavailable.*applied 1 of 3, 1 failed, 1 not attempted/);
  assert.deepEqual(status.details?.items, [
    { apiVersion: 'v1', kind: 'Secret', namespace: 'team-a', name: 'eab', state: 'applied', result: 'created' },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', namespace: 'team-a', name: 'le', state: 'failed', error: 'Temporal is unavailable: Temporal is down' },
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', namespace: 'team-a', name: 'web', state: 'notAttempted' },
  ]);
});

test('a refused update is a 409 for the whole request', () => {
  const error = new WorkflowUpdateFailedError('update failed', new Error('Certificate team-a/web is being deleted'));
  const status = partialApplyStatus({ failed: true, firstError: error, items: [{ manifest: m('Certificate', 'web'), state: 'failed', error }] });
  assert.equal(status.code, 409);
  assert.equal(status.details?.items?.length, 1);
});
