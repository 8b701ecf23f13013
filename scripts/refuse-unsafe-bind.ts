// Fails fast, before Temporal is started or dialled, when the API would be exposed without a token.
import { bindDecision } from '../api/auth/bind-policy.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';

export function refuseUnsafeBind(config: Config, log: Logger): void {
  const decision = bindDecision({ host: config.host, ...config.api });
  if (decision.ok) return;
  log.fatal(decision.message);
  // pino writes asynchronously to a pipe; say it on stderr too so the reason survives the exit.
  console.error(decision.message);
  process.exit(2);
}
