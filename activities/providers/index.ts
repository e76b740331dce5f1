/**
 * The providers a process offers, built from their parsed configuration (config.ts) by their kind's
 * plugin (kinds.ts): a worker builds runners, the API descriptors only, so it runs no engine.
 */
import type { Provider } from './provider';
import { ProviderRegistry } from './provider-registry';
import type { ProviderSettings, ProvidersConfig } from './config';
import type { DescriptorContext, ProviderDescriptor } from './descriptor';
import { DescriptorRegistry } from './descriptors';
import { PROVIDER_KINDS } from './kinds';
import type { ProviderPlugin } from './plugin';

/** The settings were parsed by this very plugin's schema: they fit it. */
const pluginOf = (settings: ProviderSettings) =>
  PROVIDER_KINDS[settings.kind] as ProviderPlugin as Required<Pick<ProviderPlugin, 'createRunner' | 'createDescriptor'>>;

export function createProviderRegistry({ providers: config }: { providers: ProvidersConfig }): ProviderRegistry {
  const entries = Object.entries(config.providers);
  return new ProviderRegistry(
    new Map(entries.map(([name, settings]): [string, Provider] => [name, pluginOf(settings).createRunner(settings)])),
    config.default,
    new Map(entries.flatMap(([name, settings]) => (settings.maxConcurrent ? [[name, settings.maxConcurrent]] : []))),
  );
}

export function createDescriptorRegistry({
  providers: config,
  dataDir,
}: {
  providers: ProvidersConfig;
  dataDir: string;
}): DescriptorRegistry {
  const context: DescriptorContext = { dataDir };
  const entries = Object.entries(config.providers);
  return new DescriptorRegistry(
    new Map(
      entries.map(([name, settings]): [string, ProviderDescriptor] => [name, pluginOf(settings).createDescriptor(settings, context)]),
    ),
    config.default,
    dataDir,
  );
}
