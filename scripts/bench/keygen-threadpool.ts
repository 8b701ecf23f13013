// Measures whether RSA key generation in flight stalls the secret store's file I/O (both use
// libuv's threadpool, 4 threads by default). Run: node --import tsx scripts/bench/keygen-threadpool.ts
import { generateKeyPair } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generatePrivateKey } from '../../activities/private-key.ts';

const gen = promisify(generateKeyPair);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keygen-io-'));
const file = path.join(dir, 'tls.crt');
await fs.writeFile(file, 'x'.repeat(4096));

async function ioLatencies(until: Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    await fs.readFile(file);
    await fs.writeFile(`${file}.tmp`, 'y');
    await fs.rename(`${file}.tmp`, `${file}.2`);
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `n=${s.length} p50=${s[Math.floor(s.length / 2)]?.toFixed(1)} max=${s.at(-1)?.toFixed(1)} ms`;
};

const idle = await ioLatencies(new Promise((r) => setTimeout(r, 1500)));
console.log(`secret-store I/O, nothing else: ${stats(idle)}`);
for (const [label, make] of [
  ['raw generateKeyPair', () => gen('rsa', { modulusLength: 4096 }).then((k) => k.privateKey)],
  ['activities/private-key.ts generatePrivateKey', () => generatePrivateKey({ algorithm: 'RSA', size: 4096 })],
] as const) {
  const t0 = performance.now();
  const keys = Promise.all(Array.from({ length: 4 }, make));
  const during = await ioLatencies(keys);
  console.log(`${label}: 4 x RSA-4096 took ${(performance.now() - t0).toFixed(0)} ms; secret-store I/O meanwhile: ${stats(during)}`);
}
await fs.rm(dir, { recursive: true, force: true });
