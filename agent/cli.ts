// `certctl sync` (and `npm run agent`, the same without flags): parses flags over the
// environment, then runs the agent until SIGINT/SIGTERM (or, with --once, until synced).
import { parseArgs } from 'node:util';
import { createLogger } from '../platform/logger.ts';
import { FLAGS, parseAgentConfig, type AgentVariable } from './config.ts';
import { startAgent } from './sync.ts';

export const USAGE = `usage: certctl sync [flags]

Mirrors Secrets from the API into local files and runs a reload command after each change.
Every flag has an environment variable; flags win.

  --api-url URL            AGENT_API_URL          the API, e.g. https://certs.example.com:8080
  --token TOKEN            AGENT_TOKEN            a token that may read the Secrets
  --token-file FILE        AGENT_TOKEN_FILE       ...or the file holding it
  --dir DIR                AGENT_DIR              where <namespace>/<name>/tls.crt|tls.key|ca.crt go
  --secrets NS/NAME,...    AGENT_SECRETS          the Secrets to mirror
  --label-selector SEL     AGENT_LABEL_SELECTOR   ...or those with these labels
  --namespace NS           AGENT_NAMESPACE        ...in this namespace (default: all the token may see)
  --reload-command CMD     AGENT_RELOAD_COMMAND   run through /bin/sh after files changed
  --reload-timeout DUR     AGENT_RELOAD_TIMEOUT   kill the reload command after this (30s)
  --reload-delay DUR       AGENT_RELOAD_DELAY     changes this close together make one reload (1s)
  --retry-min DUR          AGENT_RETRY_MIN        first wait after a failed watch (1s), doubling
  --retry-max DUR          AGENT_RETRY_MAX        ...up to this (30s)
  --idle-timeout DUR       AGENT_IDLE_TIMEOUT     a watch silent this long is reopened (35s)
  --log-level LEVEL        LOG_LEVEL              info
  --once                                          sync once and exit (0 when every watch listed)
`;

export async function syncCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = Object.fromEntries(Object.values(FLAGS).map((flag) => [flag, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { ...options, once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const values: Record<string, string | undefined> = { ...env };
  for (const [variable, flag] of Object.entries(FLAGS) as [AgentVariable, string][]) {
    const v = parsed.values[flag];
    if (typeof v === 'string') values[variable] = v;
  }
  let config: ReturnType<typeof parseAgentConfig>;
  try {
    config = parseAgentConfig(values);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const log = createLogger(config.logLevel, 'agent');
  log.info({ api: config.apiUrl, dir: config.dir, secrets: config.secrets?.map((s) => `${s.namespace}/${s.name}`), selector: config.selector }, 'sync agent starting');
  const run = startAgent(config, log, { once: parsed.values.once === true });
  const stop = () => {
    log.info('stopping');
    void run.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await run.done;
    return 0;
  } catch (err) {
    log.error({ err: (err as Error).message }, 'sync failed');
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'sync') return syncCommand(rest);
  process.stderr.write(command && command !== 'help' && command !== '--help' ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
  return command ? 2 : 0;
}
