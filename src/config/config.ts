/**
 * Configuration from the environment, parsed once at start-up by one schema: a value that does not
 * parse, or a WES_ variable nobody reads (a typo), stops the process with a message naming it.
 * Defaults give a working product on one machine (README: the start command); every value can be
 * overridden for production (docs/deployment.md, "Configuration").
 */
import type { Duration } from '@temporalio/common';
import { durationMs } from '../../workflows/duration-ms';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadProvidersConfig, type Env, type ProvidersConfig } from '../../activities/providers/config';
import { describeIssues } from '../../activities/schema-issues';
import { apiKeys, authConfig, type AuthConfig } from './auth-config';
import { payloadKeys, payloadKeysOf, type PayloadKey } from '../payloads/payload-keys';
import { repoRoot } from '../../activities/repo-root';
import { temporalSecurity, type TemporalConnectionConfig } from '../temporal/temporal-connection';
import { hostMemoryBytes } from '../worker/host-memory';
import { defaultBudgetMiB, MIN_BUDGET_MIB, workerSizing, type WorkerSizing } from '../worker/worker-sizing';

export interface Config extends TemporalConnectionConfig {
  temporalNamespace: string;
  temporalUiUrl: string;
  taskQueue: string;
  /** This worker host's name: local runs it launches are followed on a task queue of its own. */
  hostId: string;
  /** Every run's time limit (a duration such as '30 days'); unset means none. */
  runTimeout?: Duration;
  dataDir: string;
  /** Directories whose workflows may be named by absolute path or file:// URL. */
  workflowRoots: string[];
  /** The providers runs can use (WES_PROVIDERS_FILE / WES_PROVIDERS; see activities/providers/config.ts). */
  providers: ProvidersConfig;
  /** PostgreSQL of the read model; unset means the embedded one the start command runs. */
  databaseUrl?: string;
  apiHost: string;
  apiPort: number;
  /** The largest workflow attachment the API accepts, in bytes. */
  maxAttachmentBytes: number;
  /** The most workflow attachments, and their largest total size, of one request. */
  maxAttachments: number;
  maxUploadBytes: number;
  /** The largest JSON body, or multipart form field, in bytes. */
  maxBodyBytes: number;
  /** Requests per caller and window; undefined means no limit. */
  rateLimit?: RateLimit;
  /** Host names the API answers besides those it listens on (src/api/core/foreign-requests.ts). */
  allowedHosts: string[];
  /** Web origins whose pages may call the API, besides its own. */
  allowedOrigins: string[];
  /** Live streams (`follow=true`) open at once in one API process, and per caller. */
  maxStreams: number;
  maxStreamsPerCaller: number;
  /** How long a live stream lasts before the client is told to reconnect, in ms. */
  streamMaxAgeMs: number;
  /** Who may call the API (src/config/auth-config.ts; whether it is on: authEnabled there). */
  auth: AuthConfig;
  /** The port of the embedded PostgreSQL the start command runs. */
  postgresPort: number;
  /** Whether the start command submits the example run. */
  exampleRun: boolean;
  /** The WES API the example client calls. */
  exampleApiUrl: string;
  /** A prebuilt workflow bundle; unset means the worker bundles the workflows when it starts. */
  workflowBundlePath?: string;
  /** The least severe level the API and the worker log (docs/deployment.md, "Operations"). */
  logLevel: LogLevel;
  /** Where the worker serves its Prometheus metrics; unset means it serves none. */
  workerMetrics?: { host: string; port: number };
  /**
   * What the worker holds at once, from its memory budget (WES_WORKER_MEMORY, else the host's
   * memory): heap limits, workflows kept in memory (WES_WORKER_CACHE overrides), concurrency.
   */
  workerSizing: WorkerSizing;
  /** The Worker Deployment Version the workers belong to; unset means unversioned workers (docs/deployment.md). */
  workerDeployment?: WorkerDeploymentVersion;
  /** Keys that encrypt payloads at rest (src/payloads/payload-keys.ts); unset: payloads are not encrypted. */
  payloadKeys?: PayloadKey[];
}

export interface WorkerDeploymentVersion {
  deploymentName: string;
  buildId: string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A variable's text made a value by `check`; undefined refuses it, saying what was expected. */
function parsed<T>(check: (value: string) => T | undefined, expected: string) {
  return z.string().transform((value, context) => {
    const result = check(value);
    if (result !== undefined) return result;
    context.issues.push({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  });
}

// Number() would take '', ' 8', '8e3' and '0x50'.
const integer = (min: number, max: number) =>
  parsed((value) => {
    const number = /^[0-9]+$/.test(value) ? Number(value) : NaN;
    return number >= min && number <= max ? number : undefined;
  }, `an integer from ${min} to ${max}`);
const port = () => integer(1, 65_535);

const duration = parsed((value) => {
  try {
    return durationMs(value as Duration) > 0 ? (value as Duration) : undefined;
  } catch {
    return undefined;
  }
}, "a duration such as '30 days' or '12h'");

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** `600/1m`: at most 600 requests a minute; `off`: none. */
const rateLimit = parsed((spec): RateLimit | 'off' | undefined => {
  if (spec === 'off') return spec;
  const parts = spec.split('/');
  const [limit] = parts;
  const window = parts.at(1);
  if (!/^[1-9][0-9]*$/.test(limit) || window === undefined) return undefined;
  try {
    const windowMs = durationMs(window as Duration);
    return windowMs > 0 ? { limit: Number(limit), windowMs } : undefined;
  } catch {
    return undefined;
  }
}, "requests per window such as '600/1m', or off");
// Temporal refuses a deployment name with '.' or ':' and names or build ids starting with '__'.
const deploymentName = z
  .string()
  .regex(/^(?!__)[^.:]{1,200}$/, { error: "expected up to 200 characters without '.' or ':', not starting with '__'" });
const buildId = z.string().regex(/^(?!__).{1,200}$/, { error: "expected up to 200 characters, not starting with '__'" });

/** Comma-separated host names, e.g. `wes.example.org,wes.internal`, as the Host header gives them (any port). */
const hostNames = z.string().transform((list) =>
  list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean),
);
const origins = z.string().transform((list, context) =>
  list
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      const url = URL.parse(origin);
      if (url && /^https?:$/.test(url.protocol) && url.origin === origin.replace(/\/$/, '').toLowerCase()) return url.origin;
      context.issues.push({
        code: 'custom',
        message: `expected origins such as https://app.example.org, got ${JSON.stringify(origin)}`,
        input: origin,
      });
      return origin;
    }),
);

const httpUrl = () => z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const environment = z.looseObject({
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_PORT: port().default(7233),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  TEMPORAL_UI_PORT: port().default(8233),
  WES_TASK_QUEUE: z.string().default('durable-wes'),
  WES_HOST_ID: z.string().default(() => os.hostname()),
  WES_RUN_TIMEOUT: duration.optional(),
  WES_DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  WES_WORKFLOW_ROOTS: z.string().default(path.join(repoRoot, 'examples')),
  WES_PROVIDERS_FILE: z.string().optional(),
  WES_PROVIDERS: z.string().optional(),
  WES_DEFAULT_PROVIDER: z.string().optional(),
  WES_CWLTOOL: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  WES_API_HOST: z.string().default('127.0.0.1'),
  WES_API_PORT: port().default(8080),
  WES_MAX_ATTACHMENT_BYTES: integer(1, Number.MAX_SAFE_INTEGER).default(100 * 1024 * 1024),
  WES_MAX_ATTACHMENTS: integer(1, 100_000).default(1000),
  WES_MAX_UPLOAD_BYTES: integer(1, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
  WES_MAX_BODY_BYTES: integer(1, Number.MAX_SAFE_INTEGER).default(10 * 1024 * 1024),
  WES_RATE_LIMIT: rateLimit.default({ limit: 3000, windowMs: 60_000 }),
  WES_ALLOWED_HOSTS: hostNames.default([]),
  WES_ALLOWED_ORIGINS: origins.default([]),
  WES_MAX_STREAMS: integer(1, 1_000_000).default(1000),
  WES_MAX_STREAMS_PER_CALLER: integer(1, 1_000_000).default(20),
  WES_STREAM_MAX_AGE: duration.default('1h'),
  WES_AUTH: z.enum(['off'], { error: 'expected off, or unset' }).optional(),
  WES_API_KEYS: apiKeys.optional(),
  WES_JWT_JWKS_URL: httpUrl().optional(),
  WES_JWT_ISSUER: z.string().optional(),
  WES_JWT_AUDIENCE: z.string().optional(),
  WES_JWT_OWNER_CLAIM: z.string().optional(),
  WES_AUTH_INSTRUCTIONS_URL: httpUrl().optional(),
  WES_POSTGRES_PORT: port().default(5433),
  WES_DEMO_RUN: z.enum(['0', '1'], { error: 'expected 0 or 1' }).default('1'),
  WES_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  WES_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  WES_WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  WES_WORKER_METRICS_PORT: z.union([z.literal('off'), port()], { error: 'expected a port from 1 to 65535 or off' }).default(9464),
  // In MiB; unset, sized from the host's memory (src/worker/worker-sizing.ts, docs/deployment.md "Memory").
  WES_WORKER_MEMORY: integer(MIN_BUDGET_MIB, 1_000_000).optional(),
  WES_WORKER_CACHE: integer(0, 1_000_000).optional(),
  WES_DEPLOYMENT_NAME: deploymentName.optional(),
  WES_BUILD_ID: buildId.optional(),
  WES_PAYLOAD_KEYS: payloadKeys.optional(),
  WES_PAYLOAD_KEYS_FILE: z.string().optional(),
  WES_TEMPORAL_TLS: z.enum(['on', 'off'], { error: 'expected on or off' }).optional(),
  WES_TEMPORAL_TLS_CA: z.string().optional(),
  WES_TEMPORAL_TLS_CERT: z.string().optional(),
  WES_TEMPORAL_TLS_KEY: z.string().optional(),
  WES_TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  WES_TEMPORAL_API_KEY: z.string().optional(),
  WES_TEMPORAL_API_KEY_FILE: z.string().optional(),
});

/**
 * Both or neither: the build id is what the operator names to make a version current, so it is
 * chosen, not derived (a hash of the workflow bundle would miss changes to activities).
 */
function workerDeployment(vars: { WES_DEPLOYMENT_NAME?: string; WES_BUILD_ID?: string }): {
  version?: WorkerDeploymentVersion;
  problems: string[];
} {
  const { WES_DEPLOYMENT_NAME: name, WES_BUILD_ID: id } = vars;
  if (name !== undefined && id !== undefined) return { version: { deploymentName: name, buildId: id }, problems: [] };
  if (name !== undefined)
    return { problems: ['WES_BUILD_ID: required with WES_DEPLOYMENT_NAME (the version this build is, e.g. a release tag)'] };
  if (id !== undefined) return { problems: ['WES_DEPLOYMENT_NAME: required with WES_BUILD_ID'] };
  return { problems: [] };
}

const unknownWesVariables = (env: Env) =>
  Object.keys(env)
    .filter((key) => key.startsWith('WES_') && !(key in environment.shape))
    .map((key) => `${key}: not a variable of durable-wes`);

export function loadConfig(env: Env = process.env): Config {
  // An empty variable is an unset one, as a shell's `VAR=` means.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = environment.safeParse(given);
  const auth = result.success ? authConfig(result.data) : undefined;
  const deployment = result.success ? workerDeployment(result.data) : undefined;
  const keys = result.success ? payloadKeysOf(result.data) : undefined;
  const temporal = result.success ? temporalSecurity(result.data) : undefined;
  const problems = [
    ...unknownWesVariables(given),
    ...(result.success ? [] : [describeIssues(result.error)]),
    ...(auth?.problems ?? []),
    ...(deployment?.problems ?? []),
    ...(keys?.problems ?? []),
    ...(temporal?.problems ?? []),
  ];
  if (!result.success || problems.length > 0 || !auth || !deployment || !keys || !temporal) throw new Error(problems.join('; '));
  const vars = result.data;
  const workflowRoots = vars.WES_WORKFLOW_ROOTS.split(path.delimiter)
    .filter(Boolean)
    .map((root) => path.resolve(root));
  return {
    temporalAddress: vars.TEMPORAL_ADDRESS ?? `127.0.0.1:${vars.TEMPORAL_PORT}`,
    ...temporal.security,
    temporalNamespace: vars.TEMPORAL_NAMESPACE,
    temporalUiUrl: vars.TEMPORAL_UI_URL ?? `http://127.0.0.1:${vars.TEMPORAL_UI_PORT}`,
    taskQueue: vars.WES_TASK_QUEUE,
    hostId: vars.WES_HOST_ID,
    runTimeout: vars.WES_RUN_TIMEOUT,
    dataDir: path.resolve(vars.WES_DATA_DIR),
    workflowRoots,
    providers: loadProvidersConfig(
      {
        file: vars.WES_PROVIDERS_FILE,
        json: vars.WES_PROVIDERS,
        defaultProvider: vars.WES_DEFAULT_PROVIDER,
        cwltool: vars.WES_CWLTOOL,
        workflowRoots,
      },
      env,
    ),
    databaseUrl: vars.DATABASE_URL,
    apiHost: vars.WES_API_HOST,
    apiPort: vars.WES_API_PORT,
    maxAttachmentBytes: vars.WES_MAX_ATTACHMENT_BYTES,
    maxAttachments: vars.WES_MAX_ATTACHMENTS,
    maxUploadBytes: vars.WES_MAX_UPLOAD_BYTES,
    maxBodyBytes: vars.WES_MAX_BODY_BYTES,
    rateLimit: vars.WES_RATE_LIMIT === 'off' ? undefined : vars.WES_RATE_LIMIT,
    allowedHosts: vars.WES_ALLOWED_HOSTS,
    allowedOrigins: vars.WES_ALLOWED_ORIGINS,
    maxStreams: vars.WES_MAX_STREAMS,
    maxStreamsPerCaller: vars.WES_MAX_STREAMS_PER_CALLER,
    streamMaxAgeMs: durationMs(vars.WES_STREAM_MAX_AGE),
    auth: auth.auth,
    postgresPort: vars.WES_POSTGRES_PORT,
    exampleRun: vars.WES_DEMO_RUN === '1',
    exampleApiUrl: vars.WES_URL ?? `http://127.0.0.1:${vars.WES_API_PORT}/ga4gh/wes/v1`,
    workflowBundlePath: vars.WORKFLOW_BUNDLE_PATH,
    logLevel: vars.WES_LOG_LEVEL,
    workerMetrics:
      vars.WES_WORKER_METRICS_PORT === 'off' ? undefined : { host: vars.WES_WORKER_METRICS_HOST, port: vars.WES_WORKER_METRICS_PORT },
    workerSizing: workerSizing(vars.WES_WORKER_MEMORY ?? defaultBudgetMiB(hostMemoryBytes()), vars.WES_WORKER_CACHE),
    workerDeployment: deployment.version,
    payloadKeys: keys.keys,
  };
}
