// The one way api, worker and scripts reach Temporal: address, namespace, TLS and API key options.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config.ts';

export interface TemporalConnectionOptions {
  address: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer };
  apiKey?: string;
}

export function connectionOptions(config: Config, address: string): TemporalConnectionOptions {
  const t = config.temporal;
  const tls = t.tls
    ? {
        clientCertPair: t.tlsCertFile && t.tlsKeyFile ? { crt: fs.readFileSync(t.tlsCertFile), key: fs.readFileSync(t.tlsKeyFile) } : undefined,
        serverRootCACertificate: t.tlsCaFile ? fs.readFileSync(t.tlsCaFile) : undefined,
      }
    : undefined;
  return { address, tls, apiKey: t.apiKey };
}

export async function connectClient(config: Config, address: string): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config, address));
  return new Client({ connection, namespace: config.temporal.namespace });
}
