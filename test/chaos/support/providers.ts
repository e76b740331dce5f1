/**
 * The providers of the chaos scenarios, one configuration for the test's harness and for the
 * product's processes: simulated runs by the hundred (enough activity slots for all of them at
 * once) and real cwltool runs on the local provider.
 */
import { parseProvidersConfig } from '../../../activities/providers/config';
import { EXAMPLES } from '../../support/harness';

export const CHAOS_PROVIDERS = parseProvidersConfig(
  {
    default: 'simulated',
    providers: { local: { kind: 'local', workflowRoots: [EXAMPLES] }, simulated: { kind: 'simulated', maxConcurrent: 500 } },
  },
  'CHAOS_PROVIDERS',
);

/** The same, for a worker or API process. */
export const CHAOS_PROVIDERS_ENV = { WES_PROVIDERS: JSON.stringify(CHAOS_PROVIDERS), WES_WORKFLOW_ROOTS: EXAMPLES };
