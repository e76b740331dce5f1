/** The providers a worker offers, built from configuration. */
import { ProviderRegistry } from '../provider-registry';
import type { Provider } from '../provider';
import { LocalProvider } from './local';
import { SimulatedProvider } from './simulated';

export interface ProviderSettings {
  defaultProvider: string;
  workflowRoots: string[];
  cwltool: string;
}

export function createProviderRegistry(settings: ProviderSettings): ProviderRegistry {
  const providers = new Map<string, Provider>([
    ['local', new LocalProvider({ cwltool: settings.cwltool, workflowRoots: settings.workflowRoots })],
    ['simulated', new SimulatedProvider()],
  ]);
  return new ProviderRegistry(providers, settings.defaultProvider);
}
