// The sync agent's configuration, from the environment (AGENT_*) with command-line flags on top
// (certctl sync --api-url ...). One schema for both, so a bad value is refused naming the variable
// and its flag, and nothing starts.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { goDuration } from '../platform/config.ts';
import { parseLabelSelector } from '../resources/label-selector.ts';
import { dns1123LabelError, dns1123SubdomainError } from '../resources/names.ts';

export interface SecretTarget {
  namespace: string;
  name: string;
}

export interface AgentConfig {
  apiUrl: string;
  token: string;
  dir: string;
  /** Either these Secrets... */
  secrets?: SecretTarget[];
  /** ...or the Secrets with these labels, in one namespace (undefined: all the token may see). */
  selector?: { namespace?: string; labelSelector: string };
  reloadCommand?: string;
  reloadTimeoutMs: number;
  /** Changes arriving within this long of each other make one reload. */
  reloadDelayMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** A watch that sends nothing (not even the API's keepalive) this long is taken for dead. */
  idleTimeoutMs: number;
  logLevel: string;
}

/** Each variable's command-line flag. */
export const FLAGS = {
  AGENT_API_URL: 'api-url',
  AGENT_TOKEN: 'token',
  AGENT_TOKEN_FILE: 'token-file',
  AGENT_DIR: 'dir',
  AGENT_SECRETS: 'secrets',
  AGENT_NAMESPACE: 'namespace',
  AGENT_LABEL_SELECTOR: 'label-selector',
  AGENT_RELOAD_COMMAND: 'reload-command',
  AGENT_RELOAD_TIMEOUT: 'reload-timeout',
  AGENT_RELOAD_DELAY: 'reload-delay',
  AGENT_RETRY_MIN: 'retry-min',
  AGENT_RETRY_MAX: 'retry-max',
  AGENT_IDLE_TIMEOUT: 'idle-timeout',
  LOG_LEVEL: 'log-level',
} as const;

export type AgentVariable = keyof typeof FLAGS;

const duration = goDuration;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const secretList = optional.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const refs: SecretTarget[] = [];
  for (const item of v.split(',').map((s) => s.trim())) {
    const m = /^([^/]+)\/([^/]+)$/.exec(item);
    const why = !m ? 'must be namespace/name' : (dns1123LabelError(m[1]!) ?? dns1123SubdomainError(m[2]!));
    if (why) {
      ctx.addIssue({ code: 'custom', message: `"${item}": ${why}` });
      return z.NEVER;
    }
    if (!refs.some((r) => r.namespace === m![1] && r.name === m![2])) refs.push({ namespace: m![1]!, name: m![2]! });
  }
  return refs;
});

const schema = z.object({
  AGENT_API_URL: z
    .string({ error: 'required: the API base URL, e.g. https://certs.example.com:8080' })
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http:// or https:// URL' }),
  AGENT_TOKEN: optional,
  AGENT_TOKEN_FILE: optional,
  AGENT_DIR: z.string({ error: 'required: the directory to mirror Secrets into' }).min(1, 'required: the directory to mirror Secrets into'),
  AGENT_SECRETS: secretList,
  AGENT_NAMESPACE: optional.refine((v) => v === undefined || dns1123LabelError(v) === undefined, { message: 'must be a namespace name (DNS-1123 label)' }),
  AGENT_LABEL_SELECTOR: optional.refine((v) => v === undefined || parseLabelSelector(v).ok, { message: 'not a label selector like app=web,tier in (a,b)' }),
  AGENT_RELOAD_COMMAND: optional,
  AGENT_RELOAD_TIMEOUT: duration(30_000),
  AGENT_RELOAD_DELAY: duration(1_000),
  AGENT_RETRY_MIN: duration(1_000),
  AGENT_RETRY_MAX: duration(30_000),
  AGENT_IDLE_TIMEOUT: duration(35_000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

const problem = (variable: AgentVariable, message: string) => `${variable} (--${FLAGS[variable]}): ${message}`;

/** `values`: the environment, with flags already laid over it. Throws listing every problem. */
export function parseAgentConfig(values: Record<string, string | undefined>, readFile: (f: string) => string = (f) => readFileSync(f, 'utf8')): AgentConfig {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new Error(`invalid agent configuration:\n  ${parsed.error.issues.map((i) => problem(i.path[0] as AgentVariable, i.message)).join('\n  ')}`);
  }
  const e = parsed.data;
  const fail = (variable: AgentVariable, message: string): never => {
    throw new Error(`invalid agent configuration:\n  ${problem(variable, message)}`);
  };
  if (e.AGENT_TOKEN && e.AGENT_TOKEN_FILE) fail('AGENT_TOKEN', 'set AGENT_TOKEN or AGENT_TOKEN_FILE, not both');
  let token = e.AGENT_TOKEN;
  if (e.AGENT_TOKEN_FILE) {
    try {
      token = readFile(e.AGENT_TOKEN_FILE).trim();
    } catch (err) {
      fail('AGENT_TOKEN_FILE', `cannot read ${e.AGENT_TOKEN_FILE}: ${(err as Error).message}`);
    }
    if (!token) fail('AGENT_TOKEN_FILE', `${e.AGENT_TOKEN_FILE} is empty`);
  }
  if (!token) fail('AGENT_TOKEN', 'required: a token that may read the Secrets (API_SECRETS_TOKEN or one of API_SECRET_READERS_FILE), or AGENT_TOKEN_FILE');
  if (/\s/.test(token!)) fail('AGENT_TOKEN', 'the token must not contain whitespace');
  if (e.AGENT_SECRETS && e.AGENT_LABEL_SELECTOR) fail('AGENT_SECRETS', 'set AGENT_SECRETS or AGENT_LABEL_SELECTOR, not both');
  if (!e.AGENT_SECRETS && !e.AGENT_LABEL_SELECTOR) fail('AGENT_SECRETS', 'required: namespace/name,... of the Secrets to mirror (or AGENT_LABEL_SELECTOR)');
  if (e.AGENT_SECRETS && e.AGENT_NAMESPACE) fail('AGENT_NAMESPACE', 'goes with AGENT_LABEL_SELECTOR; AGENT_SECRETS names each namespace itself');
  if (e.AGENT_RETRY_MAX < e.AGENT_RETRY_MIN) fail('AGENT_RETRY_MAX', 'must not be shorter than AGENT_RETRY_MIN');
  return {
    apiUrl: e.AGENT_API_URL.replace(/\/+$/, ''),
    token: token!,
    dir: e.AGENT_DIR,
    secrets: e.AGENT_SECRETS,
    selector: e.AGENT_LABEL_SELECTOR ? { namespace: e.AGENT_NAMESPACE, labelSelector: e.AGENT_LABEL_SELECTOR } : undefined,
    reloadCommand: e.AGENT_RELOAD_COMMAND,
    reloadTimeoutMs: e.AGENT_RELOAD_TIMEOUT,
    reloadDelayMs: e.AGENT_RELOAD_DELAY,
    retryMinMs: e.AGENT_RETRY_MIN,
    retryMaxMs: e.AGENT_RETRY_MAX,
    idleTimeoutMs: e.AGENT_IDLE_TIMEOUT,
    logLevel: e.LOG_LEVEL,
  };
}

/** The watch URLs (path and query) the agent keeps open: one per named Secret, or one for the selector. */
export function watchPaths(config: Pick<AgentConfig, 'secrets' | 'selector'>): string[] {
  if (config.secrets) {
    return config.secrets.map((s) => `/api/v1/namespaces/${s.namespace}/secrets?${new URLSearchParams({ watch: 'true', fieldSelector: `metadata.name=${s.name}` })}`);
  }
  const { namespace, labelSelector } = config.selector!;
  const base = namespace ? `/api/v1/namespaces/${namespace}/secrets` : '/api/v1/secrets';
  return [`${base}?${new URLSearchParams({ watch: 'true', labelSelector })}`];
}
