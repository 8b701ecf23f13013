// What one private key costs on this machine, measured alone before the run. Both columns make
// one RSA 2048 key per certificate with the same code, and on a small machine that key is most of
// the floor's CPU: the report subtracts it to show what each column adds beyond it.
import { generatePrivateKey } from '../../activities/private-key.ts';

/**
 * CPU milliseconds (user + system, thread pool included) per key over `samples` keys, four at a
 * time. A key's cost is a prime search, so it varies: 48 keys gave 246–324 ms on a 2-core host.
 */
export async function keyCpuMs(samples: number): Promise<number> {
  const before = process.cpuUsage();
  let started = 0;
  const lane = async () => {
    while (started++ < samples) await generatePrivateKey({ algorithm: 'RSA', size: 2048 });
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  const used = process.cpuUsage(before);
  return Math.round((used.user + used.system) / 1000 / samples);
}
