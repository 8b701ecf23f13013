import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manifest } from '../../resources/types.ts';
import { applyInPhases } from './apply-phases.ts';

const m = (kind: Manifest['kind'], name: string) => ({ apiVersion: 'x', kind, metadata: { name, namespace: 'default' } }) as unknown as Manifest;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('phases run in order: every Secret before any Issuer, every Issuer before any Certificate', async () => {
  const log: string[] = [];
  const manifests = [m('Certificate', 'c1'), m('Issuer', 'i1'), m('Secret', 's1'), m('ClusterIssuer', 'ci'), m('Secret', 's2'), m('Certificate', 'c2')];
  const out = await applyInPhases(
    manifests,
    async (x) => {
      log.push(`start ${x.kind}`);
      await sleep(x.metadata.name === 's1' ? 30 : 5);
      log.push(`end ${x.kind}`);
      return 'created';
    },
    16,
  );
  assert.equal(out.failed, false);
  assert.deepEqual(
    out.items.map((o) => o.manifest.metadata.name),
    ['s1', 's2', 'i1', 'ci', 'c1', 'c2'],
  );
  const lastSecretEnd = log.lastIndexOf('end Secret');
  const firstIssuerStart = Math.min(log.indexOf('start Issuer'), log.indexOf('start ClusterIssuer'));
  assert.ok(lastSecretEnd < firstIssuerStart, log.join(', '));
  assert.ok(log.lastIndexOf('end ClusterIssuer') < log.indexOf('start Certificate') && log.lastIndexOf('end Issuer') < log.indexOf('start Certificate'));
});

test('concurrency is bounded', async () => {
  let running = 0;
  let peak = 0;
  const manifests = Array.from({ length: 50 }, (_, i) => m('Certificate', `c${i}`));
  await applyInPhases(
    manifests,
    async () => {
      peak = Math.max(peak, ++running);
      await sleep(5);
      running--;
      return 'created';
    },
    4,
  );
  assert.equal(peak, 4);
});

test('a failure part-way: in-flight items finish, nothing new starts, later phases are not attempted', async () => {
  const manifests = [m('Secret', 's1'), m('Issuer', 'i1'), m('Issuer', 'bad'), m('Issuer', 'i3'), m('Issuer', 'i4'), m('Certificate', 'c1')];
  const out = await applyInPhases(
    manifests,
    async (x) => {
      await sleep(x.metadata.name === 'i1' ? 20 : 1);
      if (x.metadata.name === 'bad') throw new Error('boom');
      return 'created';
    },
    2,
  );
  assert.equal(out.failed, true);
  assert.equal((out.firstError as Error).message, 'boom');
  assert.deepEqual(
    out.items.map((o) => [o.manifest.metadata.name, o.state]),
    [
      ['s1', 'applied'],
      ['i1', 'applied'],
      ['bad', 'failed'],
      ['i3', 'notAttempted'],
      ['i4', 'notAttempted'],
      ['c1', 'notAttempted'],
    ],
  );
});
