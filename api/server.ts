// Serves the API on HOST:PORT and the HTTP-01 responder, a separate listener that serves only
// challenge tokens, on HTTP01_HOST:HTTP01_PORT (the CA must reach it; the API need not).
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { bindDecision } from './auth/bind-policy.ts';
import type { ApiDeps } from './deps.ts';
import { http01App } from './http01/responder.ts';
import { ManifestDecoder } from './manifests/decoder.ts';

export interface RunningApi {
  port: number;
  http01Port?: number;
  stop(): Promise<void>;
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

const close = (s: ServerType) => new Promise<void>((resolve) => s.close(() => resolve()));

export async function startApi(deps: ApiDeps): Promise<RunningApi> {
  const { config, log } = deps;
  // The entry points say this (and exit) before dialling Temporal; here it only guards other callers.
  const bind = bindDecision({ host: config.host, ...config.api });
  if (!bind.ok) throw new Error(bind.message);
  const decoder = new ManifestDecoder();
  const stopping = new AbortController();
  const [api] = await Promise.all([listen(createApp({ ...deps, decoder, stopping: stopping.signal }).fetch, config.port, config.host), decoder.warm()]);
  let responder: ServerType | undefined;
  try {
    responder = await listen(http01App(deps.http01).fetch, config.http01Port, config.http01Host);
  } catch (err) {
    // Keep the API up (manifests, reads) but say plainly that ACME HTTP-01 cannot work.
    log.error(
      { err: (err as Error).message },
      `cannot serve HTTP-01 challenges on port ${config.http01Port}: HTTP-01 validation will fail until HTTP01_PORT is free and bindable (ports below 1024 need root or CAP_NET_BIND_SERVICE)`,
    );
  }
  return {
    port: (api.address() as AddressInfo).port,
    http01Port: responder ? (responder.address() as AddressInfo).port : undefined,
    async stop() {
      // Open watch streams would keep close() waiting for good.
      stopping.abort();
      await Promise.all([close(api), responder ? close(responder) : Promise.resolve(), decoder.stop()]);
    },
  };
}
