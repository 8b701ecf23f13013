// One structured logger for api, worker and scripts. pino: fast JSON lines, levels from LOG_LEVEL.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name?: string): Logger {
  // Tokens must never reach a log, even if a request or its headers are logged one day.
  return pino({ level, base: name ? { component: name } : undefined, redact: ['req.headers.authorization', 'headers.authorization', '*.apiToken', '*.apiSecretsToken'] });
}
