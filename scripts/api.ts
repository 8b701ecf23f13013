// `npm run api`: the API and HTTP-01 responder alone, for production (TEMPORAL_ADDRESS required).
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startStack } from './stack.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'api');
if (!config.temporal.address) {
  log.fatal('TEMPORAL_ADDRESS is not set: `npm run api` connects to an existing Temporal; use `npm start` for the embedded dev server');
  process.exit(2);
}
const stack = await startStack(config, config.temporal.address, { worker: false, log });
log.info({ port: stack.api?.port, http01Port: stack.api?.http01Port }, 'api listening');
const stop = () => void stack.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
