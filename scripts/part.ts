// Runs one part of the service (`npm run api` or `npm run worker`) against an existing Temporal,
// and stops it cleanly on SIGINT/SIGTERM.
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { refuseUnsafeBind } from './refuse-unsafe-bind.ts';
import { StartRefused, startStack } from './stack.ts';

export async function runPart(part: 'api' | 'worker'): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, part);
  if (!config.temporal.address) {
    log.fatal(`TEMPORAL_ADDRESS is not set: \`npm run ${part}\` connects to an existing Temporal; use \`npm start\` for the embedded dev server`);
    process.exit(2);
  }
  if (part === 'api') refuseUnsafeBind(config, log);
  const stack = await startStack(config, config.temporal.address, { api: part === 'api', worker: part === 'worker', log }).catch((err: unknown) => {
    if (!(err instanceof StartRefused)) throw err;
    log.fatal(err.message);
    process.exit(2);
  });
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (stack.api) log.info({ port: stack.api.port, http01Port: stack.api.http01Port }, 'api listening');
}
