// Service configuration from the environment, validated once at start so a typo fails loudly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSecretReaders, type SecretReader } from './secret-readers.ts';
import { z } from 'zod';
import { DEFAULT_CERTIFICATE_OPTIONS, type CertificateOptions } from '../resources/certificate-options.ts';
import { parseGoDuration } from '../resources/duration.ts';
import { DEFAULT_ISSUER_OPTIONS, type IssuerOptions } from '../resources/issuer-options.ts';
import { DEFAULT_ORDER_GATE_OPTIONS, orderGateTaskQueue, type OrderGateOptions } from '../resources/order-gate-options.ts';
import { parseCidrList, type OutboundPolicy } from '../resources/outbound-policy.ts';
import { storeConfig, type StoreConfig } from './store-config.ts';

const boolish = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const DEFAULT_MALLOC_TRIM_MS = 60_000;

/**
 * A Go duration variable (90s, 10m, 1h), `fallbackMs` when unset or empty; also used by the sync
 * agent's settings. With `zeroIsOff`, "0" is accepted too and read as 0 (the feature off).
 */
export const goDuration = (fallbackMs: number, { zeroIsOff = false } = {}) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallbackMs;
      if (zeroIsOff && v === '0') return 0;
      const ms = parseGoDuration(v);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not ${zeroIsOff ? '0 (off) or ' : ''}a positive Go duration like 90s, 10m or 1h` });
        return z.NEVER;
      }
      return ms;
    });

const cidrList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const parsed = parseCidrList(v);
    if (parsed.ok) return parsed.cidrs;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

/** Options handed to the Temporal worker as they are. */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
}

export const DEFAULT_WORKER_TUNING = {
  // The SDK sizes its cache from the heap limit (about 2,000 workflows here), which costs memory
  // for workflows that sleep for hours. An evicted Certificate replays a short history when it wakes.
  // 250 holds every issuance in flight (task queue priority finishes started ones first): at 1,000
  // Certificates it issued and renewed them as fast as 1,000 did, in 133 MiB less (README, Worker tuning).
  maxCachedWorkflows: 250,
};

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const schema = z.object({
  DATA_DIR: z.string().default('.data'),
  PORT: port(8080),
  HTTP01_PORT: port(80),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('cert-manager'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: boolish,
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  SELF_CHECK_NAMESERVERS: z.string().optional(),
  SELF_CHECK_HTTP_PORT: port(80),
  CLUSTER_RESOURCE_NAMESPACE: z.string().default('cert-manager'),
  // Idle cost: Secret changes wake their Certificate (a watch on DATA_DIR/secrets); the resync,
  // spread ±10 %, only catches what a watch misses.
  CERTIFICATE_RESYNC_PERIOD: goDuration(DEFAULT_CERTIFICATE_OPTIONS.resyncMs),
  SECRET_WATCH: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v !== 'false' && v !== '0'),
  ISSUANCE_BACKOFF_MIN: goDuration(DEFAULT_CERTIFICATE_OPTIONS.backoff.minMs),
  ISSUANCE_BACKOFF_MAX: goDuration(DEFAULT_CERTIFICATE_OPTIONS.backoff.maxMs),
  ARI_RECHECK_MIN: goDuration(DEFAULT_CERTIFICATE_OPTIONS.ariRecheck.minMs),
  ARI_RECHECK_MAX: goDuration(DEFAULT_CERTIFICATE_OPTIONS.ariRecheck.maxMs),
  // Issuer account recovery (a CA reset, a deactivated account, a replaced account key).
  ACME_ACCOUNT_RECHECK_PERIOD: goDuration(DEFAULT_ISSUER_OPTIONS.accountRecheckMs),
  // Outbound safety (what the worker sends to ACME servers).
  OUTBOUND_DENY_CIDRS: cidrList,
  OUTBOUND_ALLOW_CIDRS: cidrList,
  ACME_HTTP_TIMEOUT: goDuration(15_000),
  ACME_NAMESERVERS: z.string().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // API safety: who may call the API, where it listens, and how much one request may ask for.
  HOST: z.string().optional(),
  HTTP01_HOST: z.string().default('0.0.0.0'),
  API_TOKEN: z.string().optional(),
  API_TOKEN_FILE: z.string().optional(),
  API_SECRETS_TOKEN: z.string().optional(),
  API_SECRETS_TOKEN_FILE: z.string().optional(),
  // Scoped Secret readers for sync agents (platform/secret-readers.ts): YAML/JSON file.
  API_SECRET_READERS_FILE: z.string().optional(),
  ALLOW_UNAUTHENTICATED: boolish,
  API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024),
  API_MAX_DOCUMENTS: z.coerce.number().int().min(1).default(1000),
  // 64: 1,000 new Certificates in one request while 200 issued took 25-32 s at 64 in flight, 57-58 s at 16, 38 s at 128.
  API_APPLY_CONCURRENCY: z.coerce.number().int().min(1).default(64),
  // Worker tuning (README "Worker tuning"); unset = the SDK's default, except the cache.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(DEFAULT_WORKER_TUNING.maxCachedWorkflows),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(2).optional(),
  // Stores (platform/store-config.ts): files under DATA_DIR, or PostgreSQL with encrypted values.
  SECRET_STORE: z.enum(['file', 'postgres']).default('file'),
  DATABASE_URL: z.string().optional(),
  SECRET_ENCRYPTION_KEY: z.string().optional(),
  SECRET_ENCRYPTION_KEY_FILE: z.string().optional(),
  SECRET_ENCRYPTION_OLD_KEYS: z.string().optional(),
  // Private keys made ahead per kind (activities/key-pool.ts); 0 makes each key on demand.
  KEY_POOL_SIZE: z.coerce.number().int().min(0).max(1000).default(8),
  // Renewal storms: at most this many ACME orders per Issuer / ClusterIssuer at once, on every
  // worker together (workflows/order-gate.ts), and how often the gate looks for lost slots.
  ISSUER_MAX_CONCURRENT_ORDERS: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_ORDER_GATE_OPTIONS.maxConcurrentOrders),
  ORDER_GATE_CHECK_PERIOD: goDuration(DEFAULT_ORDER_GATE_OPTIONS.leakCheckMs),
  // How often worker and API hand freed native memory back to the system (platform/malloc-trim.ts); 0: never.
  MALLOC_TRIM_PERIOD: goDuration(DEFAULT_MALLOC_TRIM_MS, { zeroIsOff: true }),
});

export interface ApiSafetyConfig {
  /** Bearer token for every endpoint except health and the Secret reads; unset = unauthenticated (loopback only unless allowed). */
  apiToken?: string;
  /** The only bearer that may read Secrets (private keys); unset = nobody may. */
  apiSecretsToken?: string;
  /** Tokens that may read, list and watch only the Secrets their rules name (API_SECRET_READERS_FILE). */
  secretReaders: SecretReader[];
  allowUnauthenticated: boolean;
  maxBodyBytes: number;
  maxDocuments: number;
  applyConcurrency: number;
}

/** A token from NAME or from the file NAME_FILE (trimmed), never both. */
function readToken(env: z.infer<typeof schema>, name: 'API_TOKEN' | 'API_SECRETS_TOKEN'): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new Error(`invalid configuration:\n  set ${name} or ${name}_FILE, not both`);
  if (!file) return direct ? checkedToken(direct, name) : undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`invalid configuration:\n  ${name}_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  if (token === '') throw new Error(`invalid configuration:\n  ${name}_FILE: ${file} is empty`);
  return checkedToken(token, `${name}_FILE`);
}

// A bearer token travels in one header word: whitespace inside could never match.
function checkedToken(token: string, name: string): string {
  if (/\s/.test(token)) throw new Error(`invalid configuration:\n  ${name}: the token must not contain whitespace`);
  return token;
}

function readSecretReaders(file: string | undefined): SecretReader[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`invalid configuration:\n  API_SECRET_READERS_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseSecretReaders(text);
  } catch (err) {
    throw new Error(`invalid configuration:\n  API_SECRET_READERS_FILE: ${file}: ${(err as Error).message}`);
  }
}

function apiSafety(e: z.infer<typeof schema>): ApiSafetyConfig {
  const apiToken = readToken(e, 'API_TOKEN');
  const apiSecretsToken = readToken(e, 'API_SECRETS_TOKEN');
  if (apiToken && apiToken === apiSecretsToken) throw new Error('invalid configuration:\n  API_SECRETS_TOKEN must differ from API_TOKEN');
  const secretReaders = readSecretReaders(e.API_SECRET_READERS_FILE);
  if (secretReaders.some((r) => r.token === apiToken || r.token === apiSecretsToken)) {
    throw new Error('invalid configuration:\n  API_SECRET_READERS_FILE: a reader token must differ from API_TOKEN and API_SECRETS_TOKEN');
  }
  return {
    apiToken,
    apiSecretsToken,
    secretReaders,
    allowUnauthenticated: e.ALLOW_UNAUTHENTICATED,
    maxBodyBytes: e.API_MAX_BODY_BYTES,
    maxDocuments: e.API_MAX_DOCUMENTS,
    applyConcurrency: e.API_APPLY_CONCURRENCY,
  };
}

export type Config = {
  dataDir: string;
  port: number;
  host: string;
  http01Port: number;
  /** Address of the HTTP-01 responder: the CA must reach it, so all interfaces by default. */
  http01Host: string;
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls: boolean;
    tlsCertFile?: string;
    tlsKeyFile?: string;
    tlsCaFile?: string;
    devServerPort: number;
    devServerUiPort: number;
  };
  api: ApiSafetyConfig;
  selfCheckNameservers: string[];
  selfCheckHttpPort: number;
  clusterResourceNamespace: string;
  logLevel: string;
  certificates: CertificateOptions;
  /** Watch the secret store and wake the Certificates whose Secret changed (off: only the resync notices). */
  secretWatch: boolean;
  issuers: IssuerOptions;
  worker: WorkerTuning;
  outbound: OutboundOptions;
  stores: StoreConfig;
  orderGate: OrderGateOptions;
  keyPoolSize: number;
  /** How often freed native memory goes back to the system; 0: never. */
  mallocTrimMs: number;
};

/** How the API and the worker reach ACME servers (and which ones they refuse). */
export interface OutboundOptions {
  policy: OutboundPolicy;
  /** Every ACME HTTP request ends after this long: connect, TLS, and the whole answer. */
  acmeHttpTimeoutMs: number;
  /** `host:port` DNS servers for ACME server names; empty = the system resolver. */
  nameservers: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const api = apiSafety(e);
  return {
    dataDir: path.resolve(e.DATA_DIR),
    port: e.PORT,
    // Without a token the API is only reachable from this machine unless HOST says otherwise.
    host: e.HOST || (api.apiToken ? '0.0.0.0' : '127.0.0.1'),
    http01Port: e.HTTP01_PORT,
    http01Host: e.HTTP01_HOST,
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY || undefined,
      tls: e.TEMPORAL_TLS || Boolean(e.TEMPORAL_API_KEY) || Boolean(e.TEMPORAL_TLS_CERT),
      tlsCertFile: e.TEMPORAL_TLS_CERT,
      tlsKeyFile: e.TEMPORAL_TLS_KEY,
      tlsCaFile: e.TEMPORAL_TLS_CA,
      devServerPort: e.TEMPORAL_PORT,
      devServerUiPort: e.TEMPORAL_UI_PORT,
    },
    api,
    selfCheckNameservers: (e.SELF_CHECK_NAMESERVERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    selfCheckHttpPort: e.SELF_CHECK_HTTP_PORT,
    clusterResourceNamespace: e.CLUSTER_RESOURCE_NAMESPACE,
    logLevel: e.LOG_LEVEL,
    certificates: {
      resyncMs: e.CERTIFICATE_RESYNC_PERIOD,
      backoff: { minMs: e.ISSUANCE_BACKOFF_MIN, maxMs: Math.max(e.ISSUANCE_BACKOFF_MIN, e.ISSUANCE_BACKOFF_MAX) },
      ariRecheck: { minMs: e.ARI_RECHECK_MIN, maxMs: Math.max(e.ARI_RECHECK_MIN, e.ARI_RECHECK_MAX) },
      historyEventsPerRun: DEFAULT_CERTIFICATE_OPTIONS.historyEventsPerRun,
    },
    secretWatch: e.SECRET_WATCH,
    issuers: { accountRecheckMs: e.ACME_ACCOUNT_RECHECK_PERIOD },
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentLocalActivityExecutions: e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
      maxConcurrentWorkflowTaskPolls: e.WORKER_WORKFLOW_TASK_POLLERS,
    },
    outbound: {
      policy: { deny: e.OUTBOUND_DENY_CIDRS, allow: e.OUTBOUND_ALLOW_CIDRS },
      acmeHttpTimeoutMs: e.ACME_HTTP_TIMEOUT,
      nameservers: commaList(e.ACME_NAMESERVERS),
    },
    stores: storeConfig(e),
    orderGate: {
      ...DEFAULT_ORDER_GATE_OPTIONS,
      maxConcurrentOrders: e.ISSUER_MAX_CONCURRENT_ORDERS,
      leakCheckMs: e.ORDER_GATE_CHECK_PERIOD,
      taskQueue: orderGateTaskQueue(e.TEMPORAL_TASK_QUEUE),
    },
    keyPoolSize: e.KEY_POOL_SIZE,
    mallocTrimMs: e.MALLOC_TRIM_PERIOD,
  };
}

function commaList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
