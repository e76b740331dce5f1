/** The healthomics provider: runs of AWS HealthOmics workflows. */
import { providerPlugin } from '../plugin';
import { HealthOmicsDescriptor } from './descriptor';
import { HealthOmicsProvider } from './provider';
import { healthOmicsSettings } from './settings';

export { HealthOmicsProvider };
export { classifyOmicsError } from './errors';
export { logStreamUrl } from './results';

export const healthOmicsPlugin = providerPlugin({
  settings: healthOmicsSettings,
  createRunner: (settings) => new HealthOmicsProvider(settings),
  createDescriptor: (settings) => new HealthOmicsDescriptor(settings),
});
