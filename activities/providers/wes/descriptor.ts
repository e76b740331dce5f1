/** A remote WES as the API sees it: outputs on the remote's server proxied with our token; logs where the remote says. */
import type { ProviderCapabilities } from '../provider';
import type { DescribedRun, LogSource, ProviderDescriptor } from '../descriptor';
import { relinkCwlFiles } from '../outputs/cwl-files';
import type { OutputLink } from '../outputs/host-outputs';
import type { OutputSource } from '../outputs/output-source';
import type { WesRunRequest } from '../../../domain/run-types';
import { validateWesRequest } from './request';
import { RemoteOutputs } from './remote-outputs';
import type { WesSettings } from './settings';

export class WesDescriptor implements ProviderDescriptor {
  readonly kind = 'wes';

  constructor(private readonly settings: WesSettings) {}

  validate(request: WesRunRequest): void {
    validateWesRequest(request);
  }

  /** What the remote runs is its service-info's: the workers ask it, and report. */
  capabilities(): ProviderCapabilities {
    return { workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: [] };
  }

  outputs(run: DescribedRun): OutputSource {
    return new RemoteOutputs(run.outputs, this.settings);
  }

  /** Its http(s) locations on the remote's server. */
  linkOutputs(run: DescribedRun, link: OutputLink): Record<string, unknown> {
    const remote = new RemoteOutputs(run.outputs, this.settings);
    return relinkCwlFiles(run.outputs, (location) => {
      const output = remote.pathOf(location);
      return output === undefined ? undefined : link(run.runId, output);
    }) as Record<string, unknown>;
  }

  logs(): LogSource {
    return { kind: 'run-log' };
  }
}
