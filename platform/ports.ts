import { createServer, type Server } from 'node:net';

/** A loopback port that was free a moment ago (racy by nature, good enough for local servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port assigned'));
      srv.close(() => resolve(addr.port));
    });
  });
}

/**
 * n distinct free loopback ports, none of them in `avoid` (ports picked earlier and not bound
 * yet): all listeners are held open together so none repeats.
 */
export async function freePorts(n: number, avoid: readonly number[] = []): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const srv = createServer();
      servers.push(srv);
      const port = await new Promise<number>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
          const addr = srv.address();
          if (addr === null || typeof addr === 'string') reject(new Error('no port assigned'));
          else resolve(addr.port);
        });
      });
      // Held open like the others, so it is not offered again.
      if (!avoid.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((r) => (srv.listening ? srv.close(() => r()) : r()))));
  }
}
