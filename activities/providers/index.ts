/** The providers a process offers, built from their parsed configuration (see config.ts). */
import { ProviderRegistry } from '../provider-registry';
import type { Provider } from '../provider';
import type { ProviderSettings, ProvidersConfig } from './config';
import { HealthOmicsProvider } from './healthomics';
import { LocalProvider } from './local/runner';
import { SimulatedProvider } from './simulated/runner';
import { WesProvider } from './wes';

function buildProvider(settings: ProviderSettings): Provider {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedProvider(settings);
    case 'local':
      return new LocalProvider(settings);
    case 'wes':
      return new WesProvider(settings);
    case 'healthomics':
      return new HealthOmicsProvider(settings);
  }
}

export function createProviderRegistry({ providers: config }: { providers: ProvidersConfig }): ProviderRegistry {
  const entries = Object.entries(config.providers);
  return new ProviderRegistry(
    new Map(entries.map(([name, settings]) => [name, buildProvider(settings)])),
    config.default,
    new Map(entries.flatMap(([name, settings]) => (settings.maxConcurrent ? [[name, settings.maxConcurrent]] : []))),
  );
}
