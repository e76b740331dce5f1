/**
 * Runs workflows on AWS HealthOmics (the service the system this product replaces ran on),
 * through the official `@aws-sdk/client-omics`.
 *
 * Idempotency: StartRun's `requestId` is HealthOmics' idempotency token, and we send the durable-wes
 * run id as it, so a retried submit of the same run gets the run the first attempt started back
 * instead of starting a second one. Nothing of ours is kept on disk: HealthOmics is the state.
 *
 * Errors: every AWS call goes through `classifyOmicsError` (errors.ts). HealthOmics runs never wait
 * for input, so the provider has no `resume`.
 */
import { CancelRunCommand, GetRunCommand, type GetRunCommandOutput, OmicsClient, StartRunCommand } from '@aws-sdk/client-omics';
import { ProviderRejectedError } from '../../errors';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import type { HealthOmicsSettings } from './settings';
import type { ProviderRun, ProviderStatus, RunResults, WesRunRequest } from '../../../domain/run-types';
import { classifyOmicsError, errorName } from './errors';
import { startRunInput } from './request';
import { runResults } from './results';
import { hasEnded, mapRunStatus } from './state';

/**
 * What HealthOmics documents it runs ("Version support for HealthOmics workflow definition
 * languages"). Documented, not probed: asking AWS would tie service-info to AWS credentials and
 * availability in the API process. HealthOmics picks the engine version per run (GetRun's
 * `engineVersion`, reported in the results), so no engine versions are advertised.
 */
export const HEALTHOMICS_CAPABILITIES: ProviderCapabilities = {
  workflowTypeVersions: {
    CWL: ['v1.0', 'v1.1', 'v1.2'],
    WDL: ['1.0', '1.1', 'development'],
    NEXTFLOW: ['DSL1', 'DSL2'],
  },
  engineVersions: {},
  // Inputs are S3 objects or HealthOmics storage (omics://) URIs.
  filesystemProtocols: ['s3', 'omics'],
};

export class HealthOmicsProvider implements Provider {
  readonly kind = 'healthomics';
  readonly pollIntervalMs: number;

  /** `client`: tests inject one; otherwise one is built for the settings' region. */
  constructor(
    private readonly settings: HealthOmicsSettings,
    private readonly client = new OmicsClient({ region: settings.region }),
  ) {
    this.pollIntervalMs = settings.pollIntervalMs;
  }

  async capabilities(): Promise<ProviderCapabilities> {
    return HEALTHOMICS_CAPABILITIES;
  }

  validate(request: WesRunRequest): void {
    startRunInput({ runId: 'validate', provider: this.kind, workDir: '', request }, this.settings);
  }

  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    // Nothing to stage: the workflow lives in HealthOmics and the inputs are S3 or HealthOmics URIs.
    this.validate(run.request);
  }

  async submit(run: ProviderRun): Promise<string> {
    const input = startRunInput(run, this.settings);
    let id: string | undefined;
    try {
      id = (await this.client.send(new StartRunCommand(input))).id;
    } catch (err) {
      throw classifyOmicsError(err, 'StartRun');
    }
    if (!id) throw new Error('HealthOmics StartRun answered without a run id (retryable)');
    return id;
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const id = this.externalId(run, 'status');
    const got = await this.getRun(id);
    if (got === undefined) {
      // It was started (we hold its id), so it was removed since: deleted, or dropped by retention.
      return { state: 'SYSTEM_ERROR', detail: `HealthOmics has no run ${id} any more (ResourceNotFoundException)` };
    }
    return mapRunStatus({ ...got, id: got.id ?? id });
  }

  async cancel(run: ProviderRun): Promise<void> {
    // Never submitted: there is nothing at HealthOmics to stop.
    if (run.externalId === undefined) return;
    const id = run.externalId;
    const got = await this.getRun(id);
    // Gone, or ended: a run that already ended is left as it ended.
    if (got === undefined || hasEnded(got.status)) return;
    try {
      await this.client.send(new CancelRunCommand({ id }));
    } catch (err) {
      // HealthOmics refuses to cancel a run that is no longer cancellable: it ended (or is
      // stopping) since we looked. Polling reports how it ended.
      if (errorName(err) === 'ConflictException' || errorName(err) === 'ResourceNotFoundException') return;
      throw classifyOmicsError(err, 'CancelRun');
    }
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const id = this.externalId(run, 'results');
    return runResults(id, await this.getRun(id), this.settings.outputUri);
  }

  async cleanup(run: ProviderRun): Promise<void> {
    // A run we stopped following (our polling gave up, say) must not go on costing money: cancel
    // leaves an ended run alone. Nothing else to remove: HealthOmics deprovisions run storage when
    // a run stops, outputs and logs in S3 and CloudWatch are the run's results, and the run record
    // is kept or dropped by its retention mode.
    if (run.externalId) await this.cancel(run);
  }

  private externalId(run: ProviderRun, operation: string): string {
    if (run.externalId === undefined) {
      throw new ProviderRejectedError(`healthomics ${operation}: run ${run.runId} was never submitted to HealthOmics`);
    }
    return run.externalId;
  }

  /** GetRun, or undefined when HealthOmics has no such run; other errors classified. */
  private async getRun(id: string): Promise<GetRunCommandOutput | undefined> {
    try {
      return await this.client.send(new GetRunCommand({ id }));
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') return undefined;
      throw classifyOmicsError(err, 'GetRun');
    }
  }
}
