/**
 * Every provider kind, one line each (docs/design.md, "Adding a provider"): the providers document
 * names a kind, and everything about it, worker's side and API's, is its plugin's.
 */
import { healthOmicsPlugin } from './healthomics';
import { localPlugin } from './local';
import { simulatedPlugin } from './simulated';
import { wesPlugin } from './wes';

export const PROVIDER_KINDS = {
  simulated: simulatedPlugin,
  local: localPlugin,
  wes: wesPlugin,
  healthomics: healthOmicsPlugin,
};
