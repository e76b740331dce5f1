/** The providers a process offers, built from configuration (see config.ts). */
import { ProviderRegistry } from '../provider-registry';
import type { Provider } from '../provider';
import { ProvidersConfigError, type ProviderConfig, type ProvidersConfig } from './config';
import { HealthOmicsProvider } from './healthomics';
import { LocalProvider } from './local';
import { SimulatedProvider } from './simulated';
import { WesProvider } from './wes';

function settings(name: string, config: ProviderConfig) {
  const fail = (key: string, expected: string): never => {
    throw new ProvidersConfigError(`provider '${name}': ${key} must be ${expected}`);
  };
  return {
    string(key: string): string | undefined {
      const value = config[key];
      return value === undefined || typeof value === 'string' ? value : fail(key, 'a string');
    },
    number(key: string): number | undefined {
      const value = config[key];
      return value === undefined || (typeof value === 'number' && value > 0) ? value : fail(key, 'a positive number');
    },
    strings(key: string): string[] | undefined {
      const value = config[key];
      const ok = value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
      return ok ? (value as string[] | undefined) : fail(key, 'an array of strings');
    },
  };
}

function buildProvider(name: string, config: ProviderConfig): Provider {
  const get = settings(name, config);
  switch (config.kind) {
    case 'simulated':
      return new SimulatedProvider(get.number('pollIntervalMs'));
    case 'local':
      return new LocalProvider({
        cwltool: get.string('cwltool'),
        snakemake: get.string('snakemake'),
        workflowRoots: get.strings('workflowRoots') ?? [],
        pollIntervalMs: get.number('pollIntervalMs'),
      });
    case 'wes': {
      // Secrets stay out of the providers file: it names the environment variable holding the token.
      const tokenEnv = get.string('tokenEnv');
      const token = tokenEnv ? process.env[tokenEnv] : get.string('token');
      if (tokenEnv && !token) throw new ProvidersConfigError(`provider '${name}': environment variable ${tokenEnv} is not set`);
      return new WesProvider({
        baseUrl: get.string('baseUrl') ?? '',
        token,
        pollIntervalMs: get.number('pollIntervalMs'),
        requestTimeoutMs: get.number('requestTimeoutMs'),
      });
    }
    case 'healthomics':
      return new HealthOmicsProvider({
        region: get.string('region') ?? '',
        roleArn: get.string('roleArn') ?? '',
        outputUri: get.string('outputUri') ?? '',
        storageCapacity: get.number('storageCapacity'),
        workflowType: get.string('workflowType') as 'PRIVATE' | 'READY2RUN' | undefined,
        pollIntervalMs: get.number('pollIntervalMs'),
      });
    default:
      throw new ProvidersConfigError(`provider '${name}': kind '${config.kind}' is not available in this build`);
  }
}

export function createProviderRegistry({ providers: config }: { providers: ProvidersConfig }): ProviderRegistry {
  const entries = Object.entries(config.providers);
  return new ProviderRegistry(
    new Map(entries.map(([name, provider]) => [name, buildProvider(name, provider)])),
    config.default,
    new Map(entries.flatMap(([name, provider]) => (provider.maxConcurrent ? [[name, provider.maxConcurrent]] : []))),
  );
}
