/**
 * Runs workflows on a remote GA4GH WES 1.1 server (federation: one durable-wes may run its
 * workflows through another, or through any WES implementation).
 *
 * Work dir layout:
 *   staging/attachments/  sent, every regular file, as `workflow_attachment` parts (request.ts)
 *   wes-remote.json       the submission record (submission.ts; kept after cleanup: it names the remote run)
 *
 * Errors: 401/403 and other 4xx answers are ProviderRejectedError (retrying cannot help);
 * 5xx, network errors, timeouts and unreadable 2xx bodies are plain errors (retried) (client.ts).
 */
import { ProviderRejectedError } from '../../errors';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import type { WesSettings } from './settings';
import type { ProviderRun, ProviderStatus, ResumeInput, RunResults, WesRunRequest } from '../../../domain/run-types';
import { answerError, createWesApi, describe, errorMessage, required, runPath, type WesApi } from './client';
import { validateWesRequest } from './request';
import { remoteLog, runResults } from './results';
import { capabilitiesOf } from './service-info';
import { failureDetail, providerStatus } from './state';
import { recordedRemoteRunId, submitOnce } from './submission';

/** service-info is asked at API start-up: an unreachable remote must not hold that up for long. */
const CAPABILITIES_TIMEOUT_MS = 5000;

export class WesProvider implements Provider {
  readonly kind = 'wes';
  readonly pollIntervalMs: number;
  private readonly api: WesApi;
  private readonly serviceInfoApi: WesApi;
  /** Asked once it has answered: what the remote's service-info says it runs. */
  private capabilitiesFound?: ProviderCapabilities;

  constructor(private readonly settings: WesSettings) {
    this.pollIntervalMs = settings.pollIntervalMs;
    this.api = createWesApi(settings, settings.requestTimeoutMs);
    this.serviceInfoApi = createWesApi(settings, Math.min(settings.requestTimeoutMs, CAPABILITIES_TIMEOUT_MS));
  }

  async capabilities(): Promise<ProviderCapabilities> {
    try {
      const { data } = await this.serviceInfoApi.GET('/service-info');
      if (!data) throw new Error('wes: no service-info');
      this.capabilitiesFound ??= capabilitiesOf(data);
      return this.capabilitiesFound;
    } catch {
      // Unreachable for now (or no service-info): it advertises nothing, and is asked again next time.
      return { workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: [] };
    }
  }

  validate(request: WesRunRequest): void {
    validateWesRequest(request);
  }

  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    // Attachments are sent from where the API staged them; the remote checks the rest.
    this.validate(run.request);
  }

  async submit(run: ProviderRun): Promise<string> {
    this.validate(run.request);
    return submitOnce(this.api, this.settings, run);
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return { state: 'QUEUED' };
    const { data, error, response } = await this.api.GET('/runs/{run_id}/status', runPath(id));
    if (response.status === 404) {
      return {
        state: 'SYSTEM_ERROR',
        detail: `the remote WES no longer knows run ${id} (404 from ${response.url}): ${errorMessage(error)}`,
      };
    }
    if (!response.ok) throw answerError('status', response, error);
    const status = providerStatus(id, required(data?.state, 'a state', response, data));
    if (status.state !== 'EXECUTOR_ERROR' && status.state !== 'SYSTEM_ERROR') return status;
    return { ...status, detail: await this.failureDetail(id, status.state) };
  }

  async cancel(run: ProviderRun): Promise<void> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return;
    const { error, response } = await this.api.POST('/runs/{run_id}/cancel', runPath(id));
    // Unknown to the remote, or already ended: either way the run is left as it is.
    if (response.ok || response.status === 404 || response.status === 409) return;
    throw answerError('cancel', response, error);
  }

  async resume(run: ProviderRun, input: ResumeInput): Promise<void> {
    const id = await this.remoteRunId(run);
    if (id === undefined) throw new ProviderRejectedError(`wes: run ${run.runId} was never submitted to ${this.settings.baseUrl}`);
    const { error, response } = await this.api.POST('/runs/{run_id}/resume', { ...runPath(id), body: input });
    if ([404, 405, 501].includes(response.status)) {
      throw new ProviderRejectedError(
        `wes: remote does not support resume (${response.status} from POST ${response.url}): ${errorMessage(error)}`,
      );
    }
    if (!response.ok) throw answerError('resume', response, error);
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return { outputs: {}, log: { name: 'wes', system_logs: [`never submitted to ${this.settings.baseUrl}`] } };
    const runUrl = `${this.settings.baseUrl}/runs/${encodeURIComponent(id)}`;
    const { data, error, response } = await this.api.GET('/runs/{run_id}', runPath(id));
    if (response.status === 404) {
      const systemLogs = [`remote run: ${runUrl}`, `the remote WES no longer knows the run: ${errorMessage(error)}`];
      return { outputs: {}, log: { name: `wes:${id}`, system_logs: systemLogs } };
    }
    if (!response.ok) throw answerError('results', response, error);
    // A remote may answer anything, JSON null among it, whatever the types say.
    if (typeof data !== 'object' || (data as unknown) === null) throw new Error(`wes: ${response.url} answered with no run log object`);
    return runResults(id, runUrl, data);
  }

  async cleanup(_run: ProviderRun): Promise<void> {
    // Remote runs are kept for their logs, and wes-remote.json stays: it names the remote run.
  }

  /** The remote run's id: the one the workflow holds, else the one recorded at submission. */
  private async remoteRunId(run: ProviderRun): Promise<string | undefined> {
    if (run.externalId) return run.externalId;
    return recordedRemoteRunId(run);
  }

  /** Why remote run `id` failed, from its run log; that it could not be read, if so. */
  private async failureDetail(id: string, state: string): Promise<string> {
    const heading = `remote run ${id} at ${this.settings.baseUrl} ended ${state}`;
    try {
      const { data, error, response } = await this.api.GET('/runs/{run_id}', runPath(id));
      if (!response.ok) throw new Error(`${response.status}: ${errorMessage(error)}`);
      return failureDetail(heading, remoteLog(data ?? {}));
    } catch (err) {
      return `${heading}:\n(its run log could not be read: ${describe(err)})`;
    }
  }
}
