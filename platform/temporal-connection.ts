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

/**
 * The SDK means to allow 128 MiB answers but names the option without grpc-js's `grpc.` prefix,
 * so answers stopped at 4 MiB: a list of 1,000 Certificates with their memos (5.4 MB) failed.
 */
const MAX_ANSWER_BYTES = 128 * 1024 * 1024;

/** A client (not a worker's native connection): the connection options, and answers up to 128 MiB. */
export async function connectClient(config: Config, address: string): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(config, address), channelArgs: { 'grpc.max_receive_message_length': MAX_ANSWER_BYTES } });
  return new Client({ connection, namespace: config.temporal.namespace });
}
