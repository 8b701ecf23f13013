// One structured logger for api, worker and scripts. pino: fast JSON lines, levels from LOG_LEVEL.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name?: string): Logger {
  return pino({ level, base: name ? { component: name } : undefined });
}
