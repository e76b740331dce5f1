/** The simulated provider: runs that only pretend, for tests and benchmarks. */
import { providerPlugin } from '../plugin';
import { SimulatedDescriptor } from './descriptor';
import { SimulatedProvider } from './runner';
import { simulatedSettings } from './settings';

export const simulatedPlugin = providerPlugin({
  settings: simulatedSettings,
  createRunner: (settings) => new SimulatedProvider(settings),
  createDescriptor: (_settings, context) => new SimulatedDescriptor(context),
});
