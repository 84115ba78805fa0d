import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { issuesToDetails, MagnaError } from './errors.js';

/**
 * The one config module. Read once at start-up from (lowest to highest precedence) defaults, an
 * optional JSON config file (`MAGNA_CONFIG`, else `./magnatronic.config.json` if present) and
 * `MAGNA_*` environment variables; validated with zod and frozen. Nothing else reads process.env.
 * Every option, its variable and its default are listed in docs/configuration.md (generated from
 * OPTIONS below by a test that fails when they disagree).
 */

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

/** A list given as a JSON array (config file) or as comma-separated text (environment). */
const stringList = z.union([
  z.array(z.string().min(1)),
  z.string().transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  ),
]);

export const configSchema = z.object({
  home: z.string().min(1).default('./.magnatronic'),
  log: z
    .object({
      level: logLevel.default('info'),
      format: z.enum(['auto', 'pretty', 'json']).default('auto'),
    })
    .prefault({}),
  queue: z
    .object({
      leaseMs: positiveInt.default(30_000),
      heartbeatMs: positiveInt.default(10_000),
      pollMs: positiveInt.default(50),
      claimBatch: positiveInt.max(1000).default(32),
      defaultMaxAttempts: positiveInt.max(100).default(3),
      defaultTimeoutMs: positiveInt.default(10 * 60_000),
      backoffBaseMs: positiveInt.default(1_000),
      backoffMaxMs: positiveInt.default(5 * 60_000),
      agingStepMs: positiveInt.default(10_000),
      retentionMs: nonNegativeInt.default(7 * 24 * 3600_000),
      skillLimits: z
        .record(
          z.string(),
          z.object({ concurrency: positiveInt.optional(), perSecond: positiveInt.optional() }),
        )
        .default({}),
    })
    .prefault({}),
  node: z
    .object({
      shutdownGraceMs: positiveInt.default(15_000),
      /** A worker's /healthz and /readyz port; unset serves none (the API has its own). */
      healthPort: port.optional(),
      healthHost: z.string().default('127.0.0.1'),
    })
    .prefault({}),
  bus: z
    .object({
      requestTimeoutMs: positiveInt.default(30_000),
      recentSize: positiveInt.max(100_000).default(1000),
      /** Unset: the in-process transport (one process). `nats://` or `tls://`: a cluster over NATS. */
      url: z
        .string()
        .regex(
          /^((nats|tls):\/\/[^\s/,]+)(,(nats|tls):\/\/[^\s/,]+)*$/,
          'must be nats:// or tls:// URLs, comma-separated',
        )
        .optional(),
      prefix: z
        .string()
        .regex(/^[\w-]+(\.[\w-]+)*$/, 'must be dot-separated words')
        .default('magna'),
      tlsCa: z.string().optional(),
      tlsCert: z.string().optional(),
      tlsKey: z.string().optional(),
      durableLeaseMs: positiveInt.default(15_000),
    })
    .prefault({}),
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: port.default(7070),
      tlsCert: z.string().optional(),
      tlsKey: z.string().optional(),
      bodyLimitBytes: positiveInt.default(1_048_576),
      rateLimitPerMinute: positiveInt.default(600),
      corsOrigin: z.string().optional(),
    })
    .prefault({}),
  security: z
    .object({
      adminKey: z.string().min(16).optional(),
      encryptionKey: z.string().optional(),
      encryptionKeyFile: z.string().optional(),
      tokenTtlSeconds: positiveInt.default(900),
    })
    .prefault({}),
  llm: z
    .object({
      baseUrl: z.url().optional(),
      model: z.string().optional(),
      apiKey: z.string().optional(),
      embeddingModel: z.string().optional(),
      timeoutMs: positiveInt.default(60_000),
    })
    .prefault({}),
  research: z
    .object({
      userAgent: z.string().default('MagnatronicBot/0.1 (+https://github.com/magnatronic/magnatronic)'),
      maxPages: positiveInt.default(50),
      maxDepth: nonNegativeInt.default(3),
      fetchTimeoutMs: positiveInt.default(10_000),
      maxBytes: positiveInt.default(2 * 1024 * 1024),
      maxRedirects: nonNegativeInt.default(5),
      perHostConcurrency: positiveInt.default(2),
      perHostDelayMs: nonNegativeInt.default(250),
      sameSite: bool.default(true),
    })
    .prefault({}),
  database: z
    .object({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded SQLite store)')
        .optional(),
      caFile: z.string().optional(),
      poolSize: positiveInt.max(1000).default(10),
    })
    .prefault({}),
  sources: z
    .object({
      localRoots: stringList.default([]),
      allowHosts: stringList.default([]),
      denyHosts: stringList.default([]),
    })
    .prefault({}),
  /**
   * Where outbox effects go (config file only): each sink takes the effects whose kind equals
   * `kind` (or starts with it, when it ends in `*`) and names one target.
   */
  effects: z
    .object({
      sinks: z
        .array(
          z
            .object({
              kind: z.string().min(1),
              webhook: z.url().optional(),
              file: z.string().min(1).optional(),
              topic: z.string().min(1).optional(),
            })
            .refine((s) => [s.webhook, s.file, s.topic].filter(Boolean).length === 1, {
              message: 'a sink names exactly one of webhook, file or topic',
            }),
        )
        .default([]),
      pollMs: positiveInt.default(1_000),
      timeoutMs: positiveInt.default(10_000),
    })
    .prefault({}),
});

export type MagnaConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable → config path, with the description shown in docs and `--help`. */
export const OPTIONS: ReadonlyArray<{ env: string; path: string; doc: string }> = [
  {
    env: 'MAGNA_CONFIG',
    path: '(file)',
    doc: 'Path of a JSON config file (default ./magnatronic.config.json if present).',
  },
  { env: 'MAGNA_HOME', path: 'home', doc: 'Data directory holding the embedded database and artifacts.' },
  { env: 'MAGNA_LOG_LEVEL', path: 'log.level', doc: 'trace, debug, info, warn, error, fatal or silent.' },
  {
    env: 'MAGNA_LOG_FORMAT',
    path: 'log.format',
    doc: 'auto (pretty in a terminal, JSON otherwise), pretty or json.',
  },
  {
    env: 'MAGNA_QUEUE_LEASE_MS',
    path: 'queue.leaseMs',
    doc: 'How long a claimed task is held without a heartbeat.',
  },
  {
    env: 'MAGNA_QUEUE_HEARTBEAT_MS',
    path: 'queue.heartbeatMs',
    doc: 'How often a node extends the leases it holds.',
  },
  { env: 'MAGNA_QUEUE_POLL_MS', path: 'queue.pollMs', doc: 'Idle poll interval of a node looking for work.' },
  {
    env: 'MAGNA_QUEUE_CLAIM_BATCH',
    path: 'queue.claimBatch',
    doc: 'Most tasks a node claims in one round trip.',
  },
  {
    env: 'MAGNA_QUEUE_MAX_ATTEMPTS',
    path: 'queue.defaultMaxAttempts',
    doc: 'Attempts before a task is dead-lettered.',
  },
  {
    env: 'MAGNA_QUEUE_TIMEOUT_MS',
    path: 'queue.defaultTimeoutMs',
    doc: 'Default time limit of one attempt.',
  },
  {
    env: 'MAGNA_QUEUE_BACKOFF_BASE_MS',
    path: 'queue.backoffBaseMs',
    doc: 'First retry delay; doubles each attempt, with jitter.',
  },
  { env: 'MAGNA_QUEUE_BACKOFF_MAX_MS', path: 'queue.backoffMaxMs', doc: 'Longest retry delay.' },
  {
    env: 'MAGNA_QUEUE_AGING_STEP_MS',
    path: 'queue.agingStepMs',
    doc: 'Waiting time worth one priority level (anti-starvation).',
  },
  {
    env: 'MAGNA_QUEUE_RETENTION_MS',
    path: 'queue.retentionMs',
    doc: 'Finished tasks older than this are pruned (0 keeps all).',
  },
  {
    env: 'MAGNA_NODE_SHUTDOWN_GRACE_MS',
    path: 'node.shutdownGraceMs',
    doc: 'Time in-flight tasks get to finish on SIGTERM.',
  },
  {
    env: 'MAGNA_NODE_HEALTH_PORT',
    path: 'node.healthPort',
    doc: "Port of a worker's /healthz and /readyz (no API); unset serves none.",
  },
  {
    env: 'MAGNA_NODE_HEALTH_HOST',
    path: 'node.healthHost',
    doc: "Address of a worker's health port (0.0.0.0 in a container).",
  },
  {
    env: 'MAGNA_BUS_REQUEST_TIMEOUT_MS',
    path: 'bus.requestTimeoutMs',
    doc: 'How long a bus request waits for its reply by default.',
  },
  {
    env: 'MAGNA_BUS_RECENT_SIZE',
    path: 'bus.recentSize',
    doc: 'Recently routed messages kept in memory for listings.',
  },
  {
    env: 'MAGNA_BUS_URL',
    path: 'bus.url',
    doc: 'NATS servers (nats:// or tls://, comma-separated) for a cluster; unset keeps the bus in process.',
  },
  {
    env: 'MAGNA_BUS_PREFIX',
    path: 'bus.prefix',
    doc: 'First subject token on NATS, so several systems can share one server.',
  },
  { env: 'MAGNA_BUS_TLS_CA', path: 'bus.tlsCa', doc: 'PEM file of the CA that signed the NATS servers.' },
  {
    env: 'MAGNA_BUS_TLS_CERT',
    path: 'bus.tlsCert',
    doc: 'PEM client certificate for NATS servers that verify clients.',
  },
  { env: 'MAGNA_BUS_TLS_KEY', path: 'bus.tlsKey', doc: 'PEM private key of the NATS client certificate.' },
  {
    env: 'MAGNA_BUS_DURABLE_LEASE_MS',
    path: 'bus.durableLeaseMs',
    doc: 'Lease on a durable message a process holds; another process takes it over when it lapses.',
  },
  { env: 'MAGNA_SERVER_HOST', path: 'server.host', doc: 'Address the HTTP API listens on.' },
  { env: 'MAGNA_SERVER_PORT', path: 'server.port', doc: 'Port the HTTP API listens on.' },
  {
    env: 'MAGNA_SERVER_TLS_CERT',
    path: 'server.tlsCert',
    doc: 'PEM certificate file; with the key, serves HTTPS.',
  },
  { env: 'MAGNA_SERVER_TLS_KEY', path: 'server.tlsKey', doc: 'PEM private key file.' },
  {
    env: 'MAGNA_SERVER_BODY_LIMIT',
    path: 'server.bodyLimitBytes',
    doc: 'Largest accepted request body in bytes.',
  },
  {
    env: 'MAGNA_SERVER_RATE_LIMIT',
    path: 'server.rateLimitPerMinute',
    doc: 'Requests per minute per API key.',
  },
  {
    env: 'MAGNA_SERVER_CORS_ORIGIN',
    path: 'server.corsOrigin',
    doc: 'Allowed CORS origin; CORS is off when unset.',
  },
  {
    env: 'MAGNA_ADMIN_KEY',
    path: 'security.adminKey',
    doc: 'Admin API key to create on first start instead of a random one.',
  },
  {
    env: 'MAGNA_ENCRYPTION_KEY',
    path: 'security.encryptionKey',
    doc: '32-byte key (base64 or hex) for encryption at rest.',
  },
  {
    env: 'MAGNA_ENCRYPTION_KEY_FILE',
    path: 'security.encryptionKeyFile',
    doc: 'File holding the encryption key.',
  },
  {
    env: 'MAGNA_TOKEN_TTL_SECONDS',
    path: 'security.tokenTtlSeconds',
    doc: 'Lifetime of dashboard session tokens.',
  },
  {
    env: 'MAGNA_LLM_BASE_URL',
    path: 'llm.baseUrl',
    doc: 'OpenAI-compatible endpoint; unset means fully offline.',
  },
  { env: 'MAGNA_LLM_MODEL', path: 'llm.model', doc: 'Chat model name at that endpoint.' },
  { env: 'MAGNA_LLM_API_KEY', path: 'llm.apiKey', doc: 'API key for the endpoint, if it needs one.' },
  {
    env: 'MAGNA_LLM_EMBEDDING_MODEL',
    path: 'llm.embeddingModel',
    doc: 'Embedding model; unset disables embeddings.',
  },
  { env: 'MAGNA_LLM_TIMEOUT_MS', path: 'llm.timeoutMs', doc: 'Time limit of one model call.' },
  {
    env: 'MAGNA_RESEARCH_USER_AGENT',
    path: 'research.userAgent',
    doc: 'User-Agent of the crawler (also matched in robots.txt).',
  },
  { env: 'MAGNA_RESEARCH_MAX_PAGES', path: 'research.maxPages', doc: 'Most pages one collection fetches.' },
  {
    env: 'MAGNA_RESEARCH_MAX_DEPTH',
    path: 'research.maxDepth',
    doc: 'Link depth followed from each start URL.',
  },
  {
    env: 'MAGNA_RESEARCH_FETCH_TIMEOUT_MS',
    path: 'research.fetchTimeoutMs',
    doc: 'Time limit of one fetch.',
  },
  { env: 'MAGNA_RESEARCH_MAX_BYTES', path: 'research.maxBytes', doc: 'Largest page body read, in bytes.' },
  {
    env: 'MAGNA_RESEARCH_MAX_REDIRECTS',
    path: 'research.maxRedirects',
    doc: 'Most redirects followed per fetch.',
  },
  {
    env: 'MAGNA_RESEARCH_HOST_CONCURRENCY',
    path: 'research.perHostConcurrency',
    doc: 'Parallel fetches per host.',
  },
  {
    env: 'MAGNA_RESEARCH_HOST_DELAY_MS',
    path: 'research.perHostDelayMs',
    doc: 'Pause between fetches to one host.',
  },
  {
    env: 'MAGNA_RESEARCH_SAME_SITE',
    path: 'research.sameSite',
    doc: 'Follow links only within the start sites.',
  },
  {
    env: 'MAGNA_DATABASE_URL',
    path: 'database.url',
    doc: 'postgres://user:pass@host:port/db to keep every store in PostgreSQL (unset: embedded SQLite in the home). sslmode=verify-full in the URL checks the server certificate.',
  },
  {
    env: 'MAGNA_DATABASE_CA_FILE',
    path: 'database.caFile',
    doc: 'PEM file of the CA that signed the PostgreSQL server certificate; turns on TLS with full verification.',
  },
  {
    env: 'MAGNA_DATABASE_POOL_SIZE',
    path: 'database.poolSize',
    doc: 'Most connections one process opens to PostgreSQL.',
  },
  {
    env: 'MAGNA_SOURCES_LOCAL_ROOTS',
    path: 'sources.localRoots',
    doc: 'Comma-separated folders under which API callers may have local files read (none by default).',
  },
  {
    env: 'MAGNA_SOURCES_ALLOW_HOSTS',
    path: 'sources.allowHosts',
    doc: 'Comma-separated hosts (name, .suffix or name:port) API callers may fetch even on internal addresses.',
  },
  {
    env: 'MAGNA_SOURCES_DENY_HOSTS',
    path: 'sources.denyHosts',
    doc: 'Comma-separated hosts (name, .suffix or name:port) nobody may fetch.',
  },
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? mergeDeep(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new MagnaError('CONFIG_INVALID', `Cannot read config file ${path}.`, { cause });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new MagnaError(
      'CONFIG_INVALID',
      `Config file ${path} is not a JSON object: ${(cause as Error).message}`,
      {
        cause,
        details: { file: path },
      },
    );
  }
}

/**
 * Builds the frozen config. `overrides` (from CLI flags or tests) win over everything else.
 * Throws CONFIG_INVALID naming every bad field.
 */
export function loadConfig(
  options: { env?: NodeJS.ProcessEnv; cwd?: string; overrides?: ConfigInput } = {},
): Readonly<MagnaConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let raw: Record<string, unknown> = {};
  const filePath = env.MAGNA_CONFIG
    ? resolve(cwd, env.MAGNA_CONFIG)
    : resolve(cwd, 'magnatronic.config.json');
  if (env.MAGNA_CONFIG || existsSync(filePath)) raw = readConfigFile(filePath);
  const fromEnv: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const value = env[option.env];
    if (value !== undefined && value !== '' && option.path !== '(file)') setPath(fromEnv, option.path, value);
  }
  raw = mergeDeep(mergeDeep(raw, fromEnv), (options.overrides ?? {}) as Record<string, unknown>);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues);
    const fields = details.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new MagnaError('CONFIG_INVALID', `Invalid configuration: ${fields}`, { details });
  }
  const config = result.data;
  config.home = resolve(cwd, config.home);
  return deepFreeze(config);
}
