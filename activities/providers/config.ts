/**
 * Which providers exist is configuration, not code (docs/design.md, "Providers and task queues"): a JSON document naming each
 * provider, its kind and its settings, from WES_PROVIDERS_FILE or WES_PROVIDERS. Parsed at
 * start-up by the schemas below, so a typo stops the process with a message naming the key instead
 * of failing runs later; the providers take the parsed settings, defaults applied, and check nothing.
 *
 *   { "default": "local",
 *     "providers": {
 *       "local":     { "kind": "local", "maxConcurrent": 4 },
 *       "sim":       { "kind": "simulated" },
 *       "upstream":  { "kind": "wes", "baseUrl": "https://wes.example.org/ga4gh/wes/v1", "tokenEnv": "UPSTREAM_TOKEN" },
 *       "omics":     { "kind": "healthomics", "region": "eu-west-1", "roleArn": "...", "outputUri": "s3://..." } } }
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { allowEntryProblem } from '../fetch/address-policy';
import { describeIssues } from '../schema-issues';
import { parseSize } from '../byte-sizes';

export type Env = Record<string, string | undefined>;

export class ProvidersConfigError extends Error {
  override name = 'ProvidersConfigError';
}

const positiveInteger = () => z.int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).min(1, { error: 'must not be empty' });

/** How many of this provider's activities one worker runs at once (default 50). */
const maxConcurrent = positiveInteger().optional();

const GiB = 1024 ** 3;

/** Networks, addresses and host names reached besides public addresses (address-policy.ts). */
const allowList = () =>
  z
    .array(
      text().superRefine((entry, context) => {
        const problem = allowEntryProblem(entry);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: entry });
      }),
    )
    .default([]);

/** How the worker fetches a run's http(s) inputs before its engine starts (docs/design.md, "Inputs fetched by the service"). */
const fetchSchema = z
  .strictObject({
    /** What the worker fetches from besides public addresses. */
    allow: allowList(),
    /** The largest input, and the most bytes a run's inputs may total. */
    maxBytes: positiveInteger().default(GiB),
    maxRunBytes: positiveInteger().default(10 * GiB),
    /** One download's time limit, redirects included. */
    timeoutMs: positiveInteger().default(30 * 60_000),
    maxRedirects: z.int({ error: 'must be an integer from 0 to 20' }).min(0).max(20, { error: 'must be an integer from 0 to 20' }).default(5),
  })
  .prefault({});

const simulatedSchema = z.strictObject({
  kind: z.literal('simulated'),
  maxConcurrent,
  pollIntervalMs: positiveInteger().default(200),
});

/** "8GiB", "64 MiB" or a number of bytes; bytes once parsed. */
const SIZE_ERROR = 'must be a size such as "8GiB", "512 MiB" or a number of bytes';
const byteSize = () =>
  z.union([z.number(), z.string()], { error: SIZE_ERROR }).transform((size, context) => {
    const bytes = parseSize(size);
    if (bytes !== undefined) return bytes;
    context.issues.push({ code: 'custom', message: SIZE_ERROR, input: size });
    return z.NEVER;
  });

/** The limits of a local run's sandbox (below). */
const sandboxLimitsSchema = z.strictObject({
  /** The unprivileged user runs are run as when the worker is root (made by scripts/engines.sh, or at start-up). */
  user: text().default('durable-wes-run'),
  memory: byteSize().default(8 * 2 ** 30),
  /** Processes (and threads) of one run at once. */
  processes: positiveInteger().default(1024),
  /** CPU time as a number of cores (1.5: one and a half); all of them when absent. */
  cpus: z.number({ error: 'must be a positive number of cores' }).positive({ error: 'must be a positive number of cores' }).optional(),
  /** The engine is stopped past this; WES_RUN_TIMEOUT, when set, is the one limit instead. */
  wallTimeSeconds: positiveInteger().default(7 * 24 * 3600),
  /** The run's directory (outputs, jobs, scratch), and any one file in it. */
  disk: byteSize().default(100 * 2 ** 30),
  /** Of each of the engine's stdout and stderr; the rest is dropped, with a line saying so. */
  logBytes: byteSize().default(64 * 2 ** 20),
  /** Worker environment variables passed to runs, beyond PATH, HOME, TMPDIR, LANG and LC_ALL. */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })).default([]),
  /**
   * Outbound connections through the worker's guarded proxy (sandbox/egress-proxy.ts, docs/design.md
   * "Egress"); false: no network at all.
   */
  egress: z.boolean({ error: 'must be true or false' }).default(false),
  /** What runs may reach besides public addresses; not fetch.allow: a run's code sends anything, the worker only GETs. */
  egressAllow: allowList(),
  /** Destination ports runs may reach. */
  egressPorts: z
    .array(z.int({ error: 'must be a port from 1 to 65535' }).min(1, { error: 'must be a port from 1 to 65535' }).max(65535, { error: 'must be a port from 1 to 65535' }))
    .min(1, { error: 'must name at least one port' })
    .default([80, 443]),
  /** Connections of one run through the proxy at once. */
  egressConnections: positiveInteger().default(64),
  /** Bytes one run may send and receive through the proxy in all. */
  egressBytes: byteSize().default(10 * GiB),
  /** A connection through the proxy that moves nothing this long is closed. */
  egressIdleSeconds: positiveInteger().default(300),
});

/**
 * The sandbox of a local run's engine (docs/design.md, "The sandbox of a local run"): the isolation
 * is fixed, the limits are settings. `"off"` runs engines bare, as the worker's own user; the
 * operator must say so, and service-info and the worker's start-up log show it. Not a z.union, so
 * that a bad limit is named rather than "not off nor an object".
 */
const sandboxSchema = (env: Env) =>
  z
    .unknown()
    .prefault({})
    .transform((value, context): 'off' | (Omit<z.output<typeof sandboxLimitsSchema>, 'wallTimeSeconds'> & { wallTimeSeconds?: number }) => {
      if (value === 'off') return 'off';
      const parsed = sandboxLimitsSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) context.issues.push({ code: 'custom', path: issue.path, message: issue.message, input: value });
        return z.NEVER;
      }
      // The workflow's own timer is then the one limit.
      return env.WES_RUN_TIMEOUT === undefined ? parsed.data : { ...parsed.data, wallTimeSeconds: undefined };
    });

const localSchema = (env: Env) => z.strictObject({
  kind: z.literal('local'),
  maxConcurrent,
  /** Executables, looked up on PATH unless a path is given. */
  cwltool: text().default('cwltool'),
  snakemake: text().default('snakemake'),
  /** Directories from which an absolute path or file:// workflow_url may be run. */
  workflowRoots: z.array(text().refine((root) => path.isAbsolute(root), { error: 'must be an absolute path' })).default([]),
  // The exit is noticed as its file is written (statusChanged); polling only backs that up.
  pollIntervalMs: positiveInteger().default(1000),
  /** How long a cancelled engine has after SIGTERM before its process group is SIGKILLed. */
  cancelGraceMs: positiveInteger().default(3000),
  /** cwltool forked from a server that has loaded it already (cwltool-warm.ts); false: a fresh process per run. */
  warmStart: z.boolean({ error: 'must be true or false' }).default(true),
  fetch: fetchSchema,
  sandbox: sandboxSchema(env),
  /**
   * Engines running at once on this host, counted by the slots their shells hold (sandbox/enter.ts),
   * whichever worker started them; a run past it waits, QUEUED. Engines mostly wait on their jobs:
   * twice the cores by default.
   */
  maxEngines: positiveInteger().default(Math.max(2, 2 * os.availableParallelism())),
  /** Engines of one owner running at once on this host, counted as maxEngines is; unset: no cap of its own. */
  maxEnginesPerOwner: positiveInteger().optional(),
});

// Secrets stay out of the providers file: `tokenEnv` names the environment variable holding the token.
const wesSchema = (env: Env) =>
  z
    .strictObject({
      kind: z.literal('wes'),
      maxConcurrent,
      /** The remote's WES base URL, e.g. http://127.0.0.1:8080/ga4gh/wes/v1. */
      baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((url) => url.replace(/\/+$/, '')),
      /** Sent as `Authorization: Bearer <token>`. */
      token: text().optional(),
      tokenEnv: text().optional(),
      /** How often the poll activity asks for status. */
      pollIntervalMs: positiveInteger().default(5000),
      /** The limit of one HTTP request, response body included. */
      requestTimeoutMs: positiveInteger().default(30_000),
      /** How many pages of GET /runs the search for an unrecorded submission reads. */
      recoveryMaxPages: positiveInteger().default(10),
      /** How many runs that search looks at, at most. */
      recoveryMaxRuns: positiveInteger().default(1000),
    })
    .transform(({ tokenEnv, ...settings }, context) => {
      if (tokenEnv === undefined) return settings;
      const token = env[tokenEnv];
      const problem =
        settings.token !== undefined ? 'set token or tokenEnv, not both' : token ? undefined : `environment variable ${tokenEnv} is not set`;
      if (problem === undefined) return { ...settings, token };
      context.issues.push({ code: 'custom', path: ['tokenEnv'], message: problem, input: tokenEnv });
      return z.NEVER;
    });

const healthOmicsSchema = z.strictObject({
  kind: z.literal('healthomics'),
  maxConcurrent,
  /** The AWS region of the workflows, the runs and the output bucket. */
  region: text(),
  /** The service role HealthOmics assumes for each run (S3, CloudWatch Logs, ECR access). */
  roleArn: text().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { error: 'must be an IAM role ARN' }),
  /** `s3://bucket[/prefix]`: HealthOmics writes each run under `<outputUri>/<healthomics run id>/`. */
  outputUri: text().regex(/^s3:\/\/[^/]+/, { error: 'must be an s3:// URI' }),
  /** Default STATIC run storage in GiB, when a run does not set one. */
  storageCapacity: z.int().min(1).max(100_000, { error: 'must be an integer from 1 to 100000 (GiB)' }).optional(),
  /** PRIVATE (the account's own or shared workflows) or READY2RUN (AWS-provided workflows). */
  workflowType: z.enum(['PRIVATE', 'READY2RUN']).optional(),
  /** How often the poll activity asks HealthOmics for status. */
  pollIntervalMs: positiveInteger().default(30_000),
});

export type SimulatedSettings = z.output<typeof simulatedSchema>;
export type LocalSettings = z.output<ReturnType<typeof localSchema>>;
export type FetchSettings = LocalSettings['fetch'];
export type SandboxSettings = Exclude<LocalSettings['sandbox'], 'off'>;
export type WesSettings = z.output<ReturnType<typeof wesSchema>>;
export type HealthOmicsSettings = z.output<typeof healthOmicsSchema>;
export type ProviderSettings = SimulatedSettings | LocalSettings | WesSettings | HealthOmicsSettings;
export type ProviderKind = ProviderSettings['kind'];

const providerSchema = (env: Env) =>
  z.discriminatedUnion('kind', [simulatedSchema, localSchema(env), wesSchema(env), healthOmicsSchema], {
    error: 'kind must be one of simulated, local, wes, healthomics',
  });

const providersConfigSchema = (env: Env) =>
  z
    .strictObject({
      default: z.string(),
      providers: z
        .record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/), providerSchema(env), {
          error: (issue) => (issue.code === 'invalid_key' ? "a provider's name must be lower-case letters, digits, '-' or '_'" : undefined),
        })
        .refine((providers) => Object.keys(providers).length > 0, { error: 'must name at least one provider' }),
    })
    .refine((config) => config.default in config.providers, {
      path: ['default'],
      error: (issue) => `must name one of the providers (${Object.keys((issue.input as { providers: object }).providers).join(', ')})`,
    });

export type ProvidersConfig = z.output<ReturnType<typeof providersConfigSchema>>;

function parse<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ProvidersConfigError(`${source}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** `env` resolves each `tokenEnv`. */
export function parseProvidersConfig(value: unknown, source: string, env: Env = {}): ProvidersConfig {
  return parse(providersConfigSchema(env), value, source);
}

/** One provider's settings with its defaults: what its constructor takes (tests build providers so). */
export function providerSettings<K extends ProviderKind>(
  kind: K,
  settings: Omit<Extract<z.input<ReturnType<typeof providerSchema>>, { kind: K }>, 'kind'>,
  env: Env = {},
): Extract<ProviderSettings, { kind: K }> {
  return parse(providerSchema(env), { ...settings, kind }, kind) as Extract<ProviderSettings, { kind: K }>;
}

/** WES_PROVIDERS_FILE, WES_PROVIDERS, and the settings of the default providers used without them. */
export interface ProvidersSources {
  file?: string;
  json?: string;
  defaultProvider?: string;
  cwltool?: string;
  workflowRoots: string[];
}

function parseJson(json: string, source: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new ProvidersConfigError(`${source}: not JSON: ${(err as Error).message}`);
  }
}

/** From the file, else the JSON, else `local` (the default) and `simulated`. */
export function loadProvidersConfig(sources: ProvidersSources, env: Env): ProvidersConfig {
  if (sources.file) {
    const file = path.resolve(sources.file);
    return parseProvidersConfig(parseJson(readFileSync(file, 'utf8'), file), file, env);
  }
  if (sources.json) return parseProvidersConfig(parseJson(sources.json, 'WES_PROVIDERS'), 'WES_PROVIDERS', env);
  const local = { kind: 'local', workflowRoots: sources.workflowRoots, ...(sources.cwltool ? { cwltool: sources.cwltool } : {}) };
  const providers = { local, simulated: { kind: 'simulated' } };
  return parseProvidersConfig({ default: sources.defaultProvider ?? 'local', providers }, 'WES_DEFAULT_PROVIDER', env);
}
