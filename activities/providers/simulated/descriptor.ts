/** The simulated provider as the API sees it: nothing to serve, everything known from its settings. */
import type { ProviderCapabilities } from '../provider';
import type { DescribedRun, DescriptorContext, LogSource, ProviderDescriptor } from '../descriptor';
import { linkHostOutputs, type OutputLink } from '../outputs/host-outputs';
import { NO_OUTPUTS, type OutputSource } from '../outputs/output-source';
import type { WesRunRequest } from '../../../domain/run-types';
import { parseSimulatedParams, SIMULATED_CAPABILITIES } from './runner';

export class SimulatedDescriptor implements ProviderDescriptor {
  readonly kind = 'simulated';

  constructor(private readonly context: DescriptorContext) {}

  validate(request: WesRunRequest): void {
    parseSimulatedParams(request);
  }

  capabilities(): ProviderCapabilities {
    return SIMULATED_CAPABILITIES;
  }

  outputs(): OutputSource {
    return NO_OUTPUTS;
  }

  /** Its outputs are whatever the request said: those that name a run's outputs of this host are served. */
  linkOutputs(run: DescribedRun, link: OutputLink): Record<string, unknown> {
    return linkHostOutputs(this.context.dataDir, run.outputs, link);
  }

  logs(): LogSource {
    return { kind: 'run-log' };
  }
}
