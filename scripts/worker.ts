// `npm run worker`: a worker alone, for production (TEMPORAL_ADDRESS required).
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { startStack } from './stack.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'worker');
if (!config.temporal.address) {
  log.fatal('TEMPORAL_ADDRESS is not set: `npm run worker` connects to an existing Temporal; use `npm start` for the embedded dev server');
  process.exit(2);
}
const stack = await startStack(config, config.temporal.address, { api: false, log });
const stop = () => void stack.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
