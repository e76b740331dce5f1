/** The local provider: engines run on the worker's host, in a sandbox. */
import { providerPlugin } from '../plugin';
import { LocalDescriptor } from './descriptor';
import { LocalProvider } from './runner';
import { localSettings } from './settings';

export const localPlugin = providerPlugin({
  settings: localSettings,
  createRunner: (settings) => new LocalProvider(settings),
  createDescriptor: (settings, context) => new LocalDescriptor(settings, context),
});
