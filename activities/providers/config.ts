/**
 * Which providers exist is configuration, not code (docs/design.md, "Providers and task queues"): a JSON document naming each
 * provider, its kind and its settings, from WES_PROVIDERS_FILE or WES_PROVIDERS. Validated at
 * start-up, so a typo stops the process with a message instead of failing runs later.
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

export const PROVIDER_KINDS = ['simulated', 'local', 'wes', 'healthomics'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderConfig {
  kind: ProviderKind;
  /** How many of this provider's activities one worker runs at once (default 50). */
  maxConcurrent?: number;
  /** Kind-specific settings, checked by the kind's factory. */
  [setting: string]: unknown;
}

export interface ProvidersConfig {
  default: string;
  providers: Record<string, ProviderConfig>;
}

export class ProvidersConfigError extends Error {
  override name = 'ProvidersConfigError';
}

export function parseProvidersConfig(value: unknown, source: string): ProvidersConfig {
  const fail = (why: string): never => {
    throw new ProvidersConfigError(`${source}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object');
  const { default: defaultName, providers } = value as Record<string, unknown>;
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) fail('"providers" must be an object');
  const entries = Object.entries(providers as Record<string, unknown>);
  if (entries.length === 0) fail('"providers" is empty');
  for (const [name, config] of entries) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(name)) fail(`provider name '${name}' must be lower-case letters, digits, '-' or '_'`);
    const { kind, maxConcurrent } = (config ?? {}) as Record<string, unknown>;
    if (!PROVIDER_KINDS.includes(kind as ProviderKind)) fail(`provider '${name}': kind must be one of ${PROVIDER_KINDS.join(', ')}`);
    if (maxConcurrent !== undefined && !(Number.isInteger(maxConcurrent) && (maxConcurrent as number) > 0)) {
      fail(`provider '${name}': maxConcurrent must be a positive integer`);
    }
  }
  if (typeof defaultName !== 'string' || !(defaultName in (providers as object))) {
    fail(`"default" must name one of the providers (${entries.map(([name]) => name).join(', ')})`);
  }
  return value as ProvidersConfig;
}

/** From WES_PROVIDERS_FILE, else WES_PROVIDERS, else `local` (the default) and `simulated`. */
export function loadProvidersConfig(env: NodeJS.ProcessEnv, workflowRoots: string[]): ProvidersConfig {
  if (env.WES_PROVIDERS_FILE) {
    const file = path.resolve(env.WES_PROVIDERS_FILE);
    return parseProvidersConfig(JSON.parse(readFileSync(file, 'utf8')), file);
  }
  if (env.WES_PROVIDERS) return parseProvidersConfig(JSON.parse(env.WES_PROVIDERS), 'WES_PROVIDERS');
  return {
    default: env.WES_DEFAULT_PROVIDER ?? 'local',
    providers: {
      local: { kind: 'local', workflowRoots, ...(env.WES_CWLTOOL ? { cwltool: env.WES_CWLTOOL } : {}) },
      simulated: { kind: 'simulated' },
    },
  };
}
