// Says at start who may call the API, and fails fast, before Temporal is started or dialled,
// when the API would be exposed without a token.
import { bindDecision } from '../api/auth/bind-policy.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';

export function refuseUnsafeBind(config: Config, log: Logger): void {
  const decision = bindDecision({ host: config.host, ...config.api });
  if (decision.ok) {
    log[decision.level](decision.message);
    return;
  }
  log.fatal(decision.message);
  if (!log.isLevelEnabled('fatal')) console.error(decision.message); // LOG_LEVEL=silent must not hide why
  process.exit(2);
}
