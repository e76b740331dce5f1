/** The wes provider: runs handed on to another WES service. */
import { providerPlugin } from '../plugin';
import { WesDescriptor } from './descriptor';
import { WesProvider } from './provider';
import { wesSettings } from './settings';

export { WesProvider };
export { SUBMISSION_RECORD_FILE, type SubmissionRecord } from './submission';

export const wesPlugin = providerPlugin({
  settings: wesSettings,
  createRunner: (settings) => new WesProvider(settings),
  createDescriptor: (settings) => new WesDescriptor(settings),
});
