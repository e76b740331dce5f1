/**
 * Which providers exist is configuration, not code (docs/design.md, "Providers and task queues"): a JSON document naming each
 * provider, its kind (kinds.ts) and its settings (each kind's settings.ts), from WES_PROVIDERS_FILE or WES_PROVIDERS. Parsed at
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
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../schema-issues';
import { PROVIDER_KINDS } from './kinds';
import type { Env } from './settings-schemas';

export type { Env } from './settings-schemas';
export type { FetchSettings } from './settings-schemas';
export type { SimulatedSettings } from './simulated/settings';
export type { LocalSettings, SandboxSettings } from './local/settings';
export type { WesSettings } from './wes/settings';
export type { HealthOmicsSettings } from './healthomics/settings';

export class ProvidersConfigError extends Error {
  override name = 'ProvidersConfigError';
}

type Kinds = typeof PROVIDER_KINDS;
export type ProviderKind = keyof Kinds;
type SchemaOf<K extends ProviderKind> = ReturnType<Kinds[K]['settings']>;
/** One provider's settings, defaults applied, by its kind. */
export type SettingsOf<K extends ProviderKind> = z.output<SchemaOf<K>>;
export type ProviderSettings = { [K in ProviderKind]: SettingsOf<K> }[ProviderKind];

const KIND_NAMES = Object.keys(PROVIDER_KINDS) as ProviderKind[];

const providerSchema = (env: Env) =>
  z.discriminatedUnion(
    'kind',
    KIND_NAMES.map((kind) => PROVIDER_KINDS[kind].settings(env)) as unknown as [
      z.core.$ZodTypeDiscriminable,
      ...z.core.$ZodTypeDiscriminable[],
    ],
    { error: `kind must be one of ${KIND_NAMES.join(', ')}` },
  ) as unknown as z.ZodType<ProviderSettings>;

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
  settings: Omit<z.input<SchemaOf<K>>, 'kind'>,
  env: Env = {},
): SettingsOf<K> {
  return parse(providerSchema(env), { ...settings, kind }, kind) as SettingsOf<K>;
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
