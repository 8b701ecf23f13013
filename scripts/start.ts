// `npm start`: everything on one machine. Starts the Temporal dev server (persistent SQLite in
// DATA_DIR) unless TEMPORAL_ADDRESS is set, then the worker and the API.
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../platform/temporal-dev-server.ts';
import { refuseUnsafeBind } from './refuse-unsafe-bind.ts';
import { startStack } from './stack.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'start');
refuseUnsafeBind(config, log);

let devServer: TemporalDevServer | undefined;
let address = config.temporal.address;
if (!address) {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  log.info('starting the Temporal dev server (first start may take a few seconds)');
  devServer = await startTemporalDevServer({
    port: config.temporal.devServerPort,
    uiPort: config.temporal.devServerUiPort,
    dbFile: path.join(config.dataDir, 'temporal.sqlite'),
    namespace: config.temporal.namespace,
    logFile: path.join(config.dataDir, 'temporal.log'),
  });
  address = devServer.address;
}

const stack = await startStack(config, address, { log });
const ui = devServer?.uiUrl;
console.log(
  [
    '',
    `  API:            http://localhost:${stack.api?.port}  (try: curl http://localhost:${stack.api?.port}/healthz)`,
    `  API auth:       ${config.api.apiToken ? 'Bearer API_TOKEN' : `none (listening on ${config.host} only)`}; Secret reads ${config.api.apiSecretsToken ? 'need API_SECRETS_TOKEN' : 'disabled (no API_SECRETS_TOKEN)'}`,
    `  HTTP-01:        ${stack.api?.http01Port ? `${config.http01Host}:${stack.api.http01Port}` : `NOT serving (port ${config.http01Port} unavailable)`}`,
    `  Temporal:       ${address}${ui ? `\n  Temporal UI:    ${ui}/namespaces/${config.temporal.namespace}/workflows` : ''}`,
    `  Data directory: ${config.dataDir}`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await stack.stop();
  await devServer?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
