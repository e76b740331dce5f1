/**
 * The API's providers: a descriptor per configured provider, and what the API asks of a run's,
 * whatever its kind. A run with no provider of its own (a task) or one no longer configured has
 * no outputs or logs of its own to serve; a task's outputs are its steps', linked where they lie.
 */
import type { ProviderCapabilities } from './provider';
import { NamedProviders } from './provider-registry';
import { NO_CAPABILITIES, readCapabilityReports, unionOfCapabilities } from './capability-reports';
import type { DescribedRun, LogSource, ProviderDescriptor } from './descriptor';
import { linkHostOutputs, type OutputLink } from './outputs/host-outputs';
import { NO_OUTPUTS, type OutputSource } from './outputs/output-source';

/** A run as the read model has it: with the name of its provider, if it has one. */
export interface ProvidedRun extends DescribedRun {
  provider?: string;
}

export class DescriptorRegistry extends NamedProviders<ProviderDescriptor> {
  constructor(
    descriptors: ReadonlyMap<string, ProviderDescriptor>,
    defaultProvider: string,
    private readonly dataDir: string,
  ) {
    super(descriptors, defaultProvider);
  }

  outputs(run: ProvidedRun): OutputSource {
    return this.of(run)?.outputs(run) ?? NO_OUTPUTS;
  }

  linkOutputs(run: ProvidedRun, link: OutputLink): Record<string, unknown> {
    return this.of(run)?.linkOutputs(run, link) ?? linkHostOutputs(this.dataDir, run.outputs, link);
  }

  logs(run: ProvidedRun): LogSource {
    return this.of(run)?.logs(run) ?? { kind: 'run-log' };
  }

  /**
   * Provider name → what it can run: its descriptor's own, with what every worker host reported of
   * it. Before any worker has reported, the descriptors' alone.
   */
  async capabilities(): Promise<Map<string, ProviderCapabilities>> {
    const reports = await readCapabilityReports(this.dataDir);
    return new Map(
      this.names().map((name) => [
        name,
        unionOfCapabilities([this.get(name).capabilities(), ...reports.map((report) => report.providers[name] ?? NO_CAPABILITIES)]),
      ]),
    );
  }

  /** `<tag>.<provider name>` → what the provider says of itself, for service-info. */
  tags(): Record<string, string> {
    return Object.fromEntries(
      this.names().flatMap((name) => {
        return (this.get(name).describe?.() ?? []).map((said) => [`${said.tag}.${name}`, said.text]);
      }),
    );
  }

  private of(run: ProvidedRun): ProviderDescriptor | undefined {
    return run.provider !== undefined && this.has(run.provider) ? this.get(run.provider) : undefined;
  }
}
