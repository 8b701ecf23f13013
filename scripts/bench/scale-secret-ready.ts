// "How long after the Secret is written does the API show Ready?" The Secret's write time is the
// mtime of its `..data` link (the one rename that switches key and certificate). Two figures:
// over the whole storm, against the listing rounds (coarse: a round revisits a namespace every
// meanRoundMs), and on a few single renewals watched every 20 ms by GET and by a list.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TestEnv } from '../../test/support/env.ts';
import { certKey, type CertRef, type Layout } from './scale-params.ts';
import { certificatesPath, getJson, isReady, type Listed, type ReadyWait } from './scale-ready.ts';
import { renewPath } from './scale-storm.ts';
import { summarize, type LatencyStats } from './stats.ts';

export interface SecretToReady {
  storm: LatencyStats & { resolutionMs: number };
  single: { samples: number; getMs: LatencyStats; listMs: LatencyStats };
}

const dataLinkMtime = async (env: TestEnv, c: CertRef) => (await fs.lstat(path.join(env.config.dataDir, 'secrets', c.namespace, c.secretName, '..data'))).mtimeMs;

export async function stormSecretToReady(env: TestEnv, layout: Layout, wait: ReadyWait): Promise<SecretToReady['storm']> {
  const deltas: number[] = [];
  for (const c of layout.certs) deltas.push(wait.firstSeen.get(certKey(c.namespace, c.name))! - (await dataLinkMtime(env, c)));
  return { ...summarize(deltas), resolutionMs: wait.meanRoundMs };
}

async function firstReadyAbove(read: () => Promise<Listed | undefined>, revision: number, signal: AbortSignal): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const o = await read();
    const now = Date.now();
    if (o && isReady(o) && (o.status?.revision ?? 0) > revision) return now;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('not Ready at a new revision within 120 s');
}

export async function singleSecretToReady(env: TestEnv, layout: Layout, samples: number, signal: AbortSignal): Promise<SecretToReady['single']> {
  const getMs: number[] = [];
  const listMs: number[] = [];
  for (let k = 0; k < samples; k++) {
    const c = layout.certs[Math.floor((k * layout.n) / samples)]!;
    const one = `${certificatesPath(c.namespace)}/${c.name}`;
    const byLabel = `${certificatesPath(c.namespace)}?labelSelector=${encodeURIComponent(`bench-id=${c.index}`)}`;
    const { status } = await getJson<Listed>(env, one, signal);
    const res = await env.api(renewPath(c.namespace, c.name), { method: 'POST', signal });
    if (res.status !== 202) throw new Error(`renewing ${c.name}: HTTP ${res.status}: ${await res.text()}`);
    const [tGet, tList] = await Promise.all([
      firstReadyAbove(() => getJson<Listed>(env, one, signal), status?.revision ?? 0, signal),
      firstReadyAbove(async () => (await getJson<{ items: Listed[] }>(env, byLabel, signal)).items[0], status?.revision ?? 0, signal),
    ]);
    const written = await dataLinkMtime(env, c);
    getMs.push(tGet - written);
    listMs.push(tList - written);
  }
  return { samples, getMs: summarize(getMs), listMs: summarize(listMs) };
}
