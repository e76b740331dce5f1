/**
 * What the API knows of a provider (docs/design.md, "Adding a provider"): built from its settings
 * alone, so an API process needs no engine, no cloud role and no remote to answer. The worker's side
 * of the same provider is its runner (../provider.ts).
 */
import type { WesRunRequest } from '../../domain/run-types';
import type { ProviderCapabilities } from './provider';
import type { OutputLink } from './outputs/host-outputs';
import type { OutputSource } from './outputs/output-source';

/** A run as the API reads it from the read model. */
export interface DescribedRun {
  runId: string;
  /** The outputs its provider reported. */
  outputs: Record<string, unknown>;
}

/** Where a run's stdout and stderr are. */
export type LogSource =
  /** Files in the data dir the API shares with the workers: read, and followed, while the run goes. */
  | { kind: 'files'; stdout: string; stderr: string }
  /** Wherever the run's log says (a URL the client is sent to), or nowhere. */
  | { kind: 'run-log' };

export interface ProviderDescriptor {
  readonly kind: string;
  /** Throws InvalidRunRequestError when this provider cannot run the request: what can be told without its engines. */
  validate(request: WesRunRequest): void;
  /**
   * What its settings alone tell service-info, whatever the workers report: workflow types of a
   * backend that needs nothing of the host, the protocols it reads.
   */
  capabilities(): ProviderCapabilities;
  /** Serves GET /runs/{run_id}/outputs. */
  outputs(run: DescribedRun): OutputSource;
  /** The outputs as GET /runs/{run_id} shows them: each location this service serves pointed at its `link`. */
  linkOutputs(run: DescribedRun, link: OutputLink): Record<string, unknown>;
  logs(run: DescribedRun): LogSource;
  /** The engine and version that will run a valid request, where the settings tell (the Temporal UI's summary). */
  engine?(request: WesRunRequest): string;
  /** Lines for service-info's tags (`<tag>.<provider name>`), e.g. what confines a local provider's engines. */
  describe?(): Array<{ tag: string; text: string }>;
}

/** What a descriptor may use besides its settings. */
export interface DescriptorContext {
  /** The data dir shared by the API and the workers. */
  dataDir: string;
}
