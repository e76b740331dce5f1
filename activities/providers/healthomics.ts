/**
 * Runs workflows on AWS HealthOmics (the service the system this product replaces ran on),
 * through the official `@aws-sdk/client-omics`.
 *
 * A run names a workflow that already exists in HealthOmics; the workflow's definition (and so its
 * engine) lives there, not here:
 *   workflow_url                 `omics:<workflowId>`, a bare workflow id, or the workflow's ARN
 *                                `arn:aws:omics:<region>:<account>:workflow/<workflowId>`
 *   workflow_type                CWL, WDL or NEXTFLOW: HealthOmics' engines. HealthOmics takes the
 *                                engine from the workflow itself, so this is checked, not sent.
 *   workflow_params              the run's `parameters`
 *   tags                         the run's tags (string values only), plus `durable-wes-run-id`
 *   workflow_engine_parameters   an allow-list of StartRun settings (ENGINE_PARAMETERS below)
 *
 * Idempotency: StartRun's `requestId` is HealthOmics' idempotency token, and we send the durable-wes
 * run id as it, so a retried submit of the same run gets the run the first attempt started back
 * instead of starting a second one. Nothing of ours is kept on disk: HealthOmics is the state.
 *
 * Errors: every AWS call goes through `classifyOmicsError`. The API refusing the request (bad
 * input, permissions, missing resource, quota) is a ProviderRejectedError; throttling, AWS-side
 * errors and network errors are plain errors, which the activity layer retries.
 */
import {
  CacheBehavior,
  CancelRunCommand,
  GetRunCommand,
  type GetRunCommandOutput,
  OmicsClient,
  RunLogLevel,
  RunRetentionMode,
  RunStatus,
  StartRunCommand,
  type StartRunCommandInput,
  StorageType,
  WorkflowType,
} from '@aws-sdk/client-omics';
import { InvalidRunRequestError, ProviderRejectedError } from '../errors';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import type { ProviderRun, ProviderStatus, ResumeInput, RunResults, WesRunRequest } from '../../workflows/run-types';

export interface HealthOmicsSettings {
  /** The AWS region of the workflows, the runs and the output bucket. */
  region: string;
  /** The service role HealthOmics assumes for each run (S3, CloudWatch Logs, ECR access). */
  roleArn: string;
  /** `s3://bucket[/prefix]`: HealthOmics writes each run under `<outputUri>/<healthomics run id>/`. */
  outputUri: string;
  /** Default STATIC run storage in GiB, when a run does not set one. */
  storageCapacity?: number;
  /** PRIVATE (the account's own or shared workflows) or READY2RUN (AWS-provided workflows). */
  workflowType?: 'PRIVATE' | 'READY2RUN';
  /** How often the poll activity asks HealthOmics for status (default 30 s). */
  pollIntervalMs?: number;
  /** The client to use; tests inject one, otherwise one is built for `region`. */
  client?: OmicsClient;
}

/** The tag that ties a HealthOmics run back to its durable-wes run. */
export const RUN_ID_TAG = 'durable-wes-run-id';

/** HealthOmics' workflow engines, as WES workflow types. */
export const HEALTHOMICS_WORKFLOW_TYPES = ['CWL', 'WDL', 'NEXTFLOW'] as const;

/**
 * What HealthOmics documents it runs ("Version support for HealthOmics workflow definition
 * languages"). Documented, not probed: asking AWS would tie service-info to AWS credentials and
 * availability in the API process. HealthOmics picks the engine version per run (GetRun's
 * `engineVersion`, reported in the results), so no engine versions are advertised.
 */
const CAPABILITIES: ProviderCapabilities = {
  workflowTypeVersions: {
    CWL: ['v1.0', 'v1.1', 'v1.2'],
    WDL: ['1.0', '1.1', 'development'],
    NEXTFLOW: ['DSL1', 'DSL2'],
  },
  engineVersions: {},
  // Inputs are S3 objects or HealthOmics storage (omics://) URIs.
  filesystemProtocols: ['s3', 'omics'],
};

/** Workflow, run, run group and cache ids are decimal numbers of up to 18 digits (API reference). */
const OMICS_ID = /^[0-9]{1,18}$/;
const WORKFLOW_ARN = /^arn:(aws[a-z-]*):omics:([a-z0-9-]+):([0-9]{12})?:workflow\/([^/]+)$/;
/** HealthOmics tag limits: 50 tags a run, keys of 1 to 128 characters, values of up to 256. */
const MAX_TAGS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const MAX_NAME = 128;
const MAX_STORAGE_GIB = 100_000;
const MAX_PRIORITY = 100_000;

/** AWS errors that mean the API refused the request: retrying the same call cannot help. */
const REJECTED_ERRORS = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ConflictException',
  'ServiceQuotaExceededException',
  'NotSupportedOperationException',
]);

/**
 * HealthOmics failure reasons (see "Run failure reasons" in the HealthOmics user guide) that are
 * the service's or this deployment's fault rather than the workflow's: the service failed, had no
 * capacity, or could not use the role or the output bucket that durable-wes configured.
 */
const SYSTEM_FAILURE_REASONS = ['SERVICE_ERROR', 'INSTANCE_RESERVATION_FAILED', 'ASSUME_ROLE_FAILED', 'EXPORT_FAILED'];

const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  RunStatus.COMPLETED,
  RunStatus.FAILED,
  RunStatus.CANCELLED,
  RunStatus.DELETED,
]);

/** The name of an AWS service error (`ValidationException`, ...), or of any other error. */
function errorName(err: unknown): string | undefined {
  if (err instanceof Error) return err.name;
  if (err !== null && typeof err === 'object' && typeof (err as { name?: unknown }).name === 'string') {
    return (err as { name: string }).name;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one place that decides what an AWS error means for the run: a ProviderRejectedError when
 * HealthOmics' API refused the request, a plain (retried) Error for throttling, AWS internal errors,
 * timeouts, network and credential-lookup failures, and anything not recognised.
 */
export function classifyOmicsError(err: unknown, operation: string): Error {
  if (err instanceof ProviderRejectedError || err instanceof InvalidRunRequestError) return err;
  const name = errorName(err);
  const message = errorMessage(err);
  if (name !== undefined && REJECTED_ERRORS.has(name)) {
    return new ProviderRejectedError(`HealthOmics ${operation} refused with AWS ${name}: ${message}`, { cause: err });
  }
  const what = name && name !== 'Error' ? `${name}: ${message}` : message;
  return new Error(`HealthOmics ${operation} failed (retryable): ${what}`, { cause: err });
}

/** The HealthOmics workflow id a workflow_url names; throws InvalidRunRequestError otherwise. */
export function parseWorkflowUrl(workflowUrl: unknown, region?: string): string {
  if (typeof workflowUrl !== 'string' || workflowUrl.trim() === '') {
    throw new InvalidRunRequestError('healthomics: workflow_url is required (omics:<workflowId>, a workflow id or ARN)');
  }
  const url = workflowUrl.trim();
  let id = url;
  const arn = WORKFLOW_ARN.exec(url);
  if (arn) {
    const arnRegion = arn[2];
    if (region !== undefined && arnRegion !== region) {
      throw new InvalidRunRequestError(
        `healthomics: workflow ${url} is in region ${arnRegion}, but this provider runs in ${region}`,
      );
    }
    id = arn[4];
  } else if (/^omics:/i.test(url)) {
    id = url.slice('omics:'.length);
  }
  if (!OMICS_ID.test(id)) {
    throw new InvalidRunRequestError(
      `healthomics: workflow_url must be omics:<workflowId>, a HealthOmics workflow id (digits) or arn:aws:omics:<region>:<account>:workflow/<workflowId>, not ${JSON.stringify(url)}`,
    );
  }
  return id;
}

type EngineSettings = Pick<
  StartRunCommandInput,
  | 'storageCapacity'
  | 'storageType'
  | 'priority'
  | 'logLevel'
  | 'retentionMode'
  | 'name'
  | 'runGroupId'
  | 'cacheId'
  | 'cacheBehavior'
  | 'workflowVersionName'
>;

function oneOf<T extends string>(key: string, allowed: Record<string, T>): (value: string) => T {
  const values = Object.values(allowed);
  return (value) => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) {
      throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be one of ${values.join(', ')}, not ${JSON.stringify(value)}`);
    }
    return upper;
  };
}

function integer(key: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\s*[0-9]+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
    }
    return n;
  };
}

function omicsId(key: string): (value: string) => string {
  return (value) => {
    if (!OMICS_ID.test(value)) {
      throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be a HealthOmics id (up to 18 digits), not ${JSON.stringify(value)}`);
    }
    return value;
  };
}

function text(key: string, max: number): (value: string) => string {
  return (value) => {
    if (value.trim() === '' || value.length > max || /[\x00-\x1f\x7f]/.test(value)) {
      throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be 1 to ${max} printable characters`);
    }
    return value;
  };
}

/** The StartRun settings a run may choose through workflow_engine_parameters, each with its check. */
const ENGINE_PARAMETERS: { [K in keyof EngineSettings]-?: (value: string) => NonNullable<EngineSettings[K]> } = {
  storageCapacity: integer('storageCapacity', 1, MAX_STORAGE_GIB),
  storageType: oneOf('storageType', StorageType),
  priority: integer('priority', 0, MAX_PRIORITY),
  logLevel: oneOf('logLevel', RunLogLevel),
  retentionMode: oneOf('retentionMode', RunRetentionMode),
  name: text('name', MAX_NAME),
  runGroupId: omicsId('runGroupId'),
  cacheId: omicsId('cacheId'),
  cacheBehavior: oneOf('cacheBehavior', CacheBehavior),
  workflowVersionName: text('workflowVersionName', 64),
};

export function parseEngineParameters(params: unknown): EngineSettings {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidRunRequestError('healthomics: workflow_engine_parameters must be an object');
  }
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    if (!Object.prototype.hasOwnProperty.call(ENGINE_PARAMETERS, key)) {
      throw new InvalidRunRequestError(
        `healthomics: unknown workflow_engine_parameters key ${JSON.stringify(key)} (allowed: ${Object.keys(ENGINE_PARAMETERS).join(', ')})`,
      );
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be a string`);
    }
    settings[key] = ENGINE_PARAMETERS[key as keyof EngineSettings](String(raw));
  }
  const result = settings as EngineSettings;
  if (result.storageType === StorageType.DYNAMIC && result.storageCapacity !== undefined) {
    throw new InvalidRunRequestError('healthomics: storageCapacity applies to STATIC storage only, not DYNAMIC');
  }
  if (result.cacheBehavior !== undefined && result.cacheId === undefined) {
    throw new InvalidRunRequestError('healthomics: cacheBehavior needs a cacheId');
  }
  return result;
}

/** The run's tags as HealthOmics takes them: string values only, and ours last so none can override it. */
export function runTags(request: WesRunRequest, runId: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const given = request.tags ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidRunRequestError('healthomics: tags must be an object');
  }
  for (const [key, value] of Object.entries(given)) {
    // WES tags are strings; anything else is left out rather than sent as something it is not.
    if (typeof value !== 'string' || key === RUN_ID_TAG) continue;
    if (key.length === 0 || key.length > MAX_TAG_KEY || key.toLowerCase().startsWith('aws:')) {
      throw new InvalidRunRequestError(`healthomics: tag key ${JSON.stringify(key)} must be 1 to ${MAX_TAG_KEY} characters and not start with aws:`);
    }
    if (value.length > MAX_TAG_VALUE) {
      throw new InvalidRunRequestError(`healthomics: tag ${JSON.stringify(key)} is longer than ${MAX_TAG_VALUE} characters`);
    }
    tags[key] = value;
  }
  tags[RUN_ID_TAG] = runId;
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new InvalidRunRequestError(`healthomics: a run may have at most ${MAX_TAGS - 1} tags (one is durable-wes's own)`);
  }
  return tags;
}

function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

/** A CloudWatch console link for a log stream ARN; the ARN itself when it cannot be made into one. */
export function logStreamUrl(arn: string): string {
  const m = /^arn:aws:logs:([a-z0-9-]+):[0-9]{12}:log-group:(.+):log-stream:(.+)$/.exec(arn);
  if (!m) return arn;
  const [, region, group, stream] = m;
  // The console's fragment encodes twice and writes % as $.
  const enc = (s: string) => encodeURIComponent(encodeURIComponent(s)).replace(/%/g, '$');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${enc(group)}/log-events/${enc(stream)}`;
}

/** How a HealthOmics run status shows as a provider (WES) state. */
export function mapRunStatus(run: Pick<GetRunCommandOutput, 'id' | 'status' | 'statusMessage' | 'failureReason'>): ProviderStatus {
  const label = `HealthOmics run ${run.id ?? '?'} is ${run.status ?? 'of unknown status'}`;
  const withMessage = (s: string) => (run.statusMessage ? `${s}: ${run.statusMessage}` : s);
  switch (run.status) {
    // Waiting for capacity (account or run-group limits, priority): nothing is provisioned yet.
    case RunStatus.PENDING:
      return { state: 'QUEUED', detail: withMessage(label) };
    // Provisioning run storage and the engine node: WES's "preparing to run".
    case RunStatus.STARTING:
      return { state: 'INITIALIZING', detail: withMessage(label) };
    case RunStatus.RUNNING:
      return { state: 'RUNNING', detail: withMessage(label) };
    // Winding down (after a cancel, or exporting before it ends): still running until it has ended.
    case RunStatus.STOPPING:
      return { state: 'RUNNING', detail: withMessage(label) };
    case RunStatus.COMPLETED:
      return { state: 'COMPLETE' };
    case RunStatus.CANCELLED:
      return { state: 'CANCELED', detail: withMessage(`HealthOmics run ${run.id ?? '?'} was cancelled`) };
    case RunStatus.DELETED:
      return { state: 'CANCELED', detail: withMessage(`HealthOmics run ${run.id ?? '?'} was deleted at HealthOmics`) };
    case RunStatus.FAILED: {
      const reason = [run.failureReason, run.statusMessage].filter((s) => s !== undefined && s !== '').join(': ');
      const systemFault = SYSTEM_FAILURE_REASONS.some((code) => new RegExp(`\\b${code}\\b`, 'i').test(run.failureReason ?? ''));
      return {
        state: systemFault ? 'SYSTEM_ERROR' : 'EXECUTOR_ERROR',
        detail: `HealthOmics run ${run.id ?? '?'} failed${reason ? `: ${reason}` : ' without a reason'}`,
      };
    }
    default:
      return { state: 'UNKNOWN', detail: withMessage(label) };
  }
}

export class HealthOmicsProvider implements Provider {
  readonly kind = 'healthomics';
  readonly pollIntervalMs: number;
  private readonly client: OmicsClient;

  constructor(private readonly settings: HealthOmicsSettings) {
    if (!settings.region) throw new Error('healthomics provider: region is required');
    if (!/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(settings.roleArn ?? '')) {
      throw new Error(`healthomics provider: roleArn must be an IAM role ARN, not ${JSON.stringify(settings.roleArn)}`);
    }
    if (!/^s3:\/\/[^/]+/.test(settings.outputUri ?? '')) {
      throw new Error(`healthomics provider: outputUri must be an s3:// URI, not ${JSON.stringify(settings.outputUri)}`);
    }
    const capacity = settings.storageCapacity;
    if (capacity !== undefined && (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > MAX_STORAGE_GIB)) {
      throw new Error(`healthomics provider: storageCapacity must be an integer from 1 to ${MAX_STORAGE_GIB} GiB`);
    }
    if (settings.workflowType !== undefined && !Object.values(WorkflowType).includes(settings.workflowType)) {
      throw new Error(`healthomics provider: workflowType must be one of ${Object.values(WorkflowType).join(', ')}`);
    }
    const interval = settings.pollIntervalMs ?? 30_000;
    if (!(interval > 0)) throw new Error('healthomics provider: pollIntervalMs must be positive');
    this.pollIntervalMs = interval;
    this.client = settings.client ?? new OmicsClient({ region: settings.region });
  }

  async capabilities(): Promise<ProviderCapabilities> {
    return CAPABILITIES;
  }

  validate(request: WesRunRequest): void {
    this.startRunInput({ runId: 'validate', provider: this.kind, workDir: '', request });
  }

  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    // Nothing to stage: the workflow lives in HealthOmics and the inputs are S3 or HealthOmics URIs.
    this.validate(run.request);
  }

  async submit(run: ProviderRun): Promise<string> {
    const input = this.startRunInput(run);
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
    if (got === undefined || (got.status !== undefined && TERMINAL_STATUSES.has(got.status))) return;
    try {
      await this.client.send(new CancelRunCommand({ id }));
    } catch (err) {
      // HealthOmics refuses to cancel a run that is no longer cancellable: it ended (or is
      // stopping) since we looked. Polling reports how it ended.
      if (errorName(err) === 'ConflictException' || errorName(err) === 'ResourceNotFoundException') return;
      throw classifyOmicsError(err, 'CancelRun');
    }
  }

  async resume(_run: ProviderRun, _input: ResumeInput): Promise<void> {
    throw new ProviderRejectedError('healthomics: HealthOmics runs cannot be paused, so there is nothing to resume');
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const id = this.externalId(run, 'results');
    const got = await this.getRun(id);
    // What HealthOmics reports as the run's output location; the documented layout without it.
    const runOutputUri = got?.runOutputUri ?? joinUri(got?.outputUri ?? this.settings.outputUri, id);
    const outputs: Record<string, unknown> = {
      output_uri: joinUri(runOutputUri, 'out'),
      run_output_uri: runOutputUri,
      healthomics_run_id: id,
    };
    if (got === undefined) {
      return {
        outputs,
        log: { name: 'healthomics', system_logs: [`HealthOmics has no run ${id} any more (ResourceNotFoundException)`] },
      };
    }
    const optional: Record<string, unknown> = {
      healthomics_run_arn: got.arn,
      healthomics_run_uuid: got.uuid,
      healthomics_workflow_id: got.workflowId,
      healthomics_workflow_version: got.workflowVersionName,
      healthomics_status: got.status,
      engine_version: got.engineVersion,
      storage_type: got.storageType,
      storage_capacity_gib: got.storageCapacity,
    };
    for (const [key, value] of Object.entries(optional)) if (value !== undefined) outputs[key] = value;

    const runLog = got.logLocation?.runLogStream;
    const engineLog = got.logLocation?.engineLogStream;
    const systemLogs = [
      got.failureReason ? `failure reason: ${got.failureReason}` : undefined,
      got.statusMessage ? `status message: ${got.statusMessage}` : undefined,
      runLog ? `run log stream: ${runLog}` : undefined,
      engineLog ? `engine log stream: ${engineLog}` : undefined,
    ].filter((line): line is string => line !== undefined);
    return {
      outputs,
      log: {
        name: 'healthomics',
        start_time: got.startTime?.toISOString(),
        end_time: got.stopTime?.toISOString(),
        // HealthOmics splits no stdout from stderr for a run: it has a run log (what HealthOmics
        // did) and an engine log (what the workflow engine printed), both in CloudWatch Logs.
        stdout: runLog ? logStreamUrl(runLog) : undefined,
        stderr: engineLog ? logStreamUrl(engineLog) : undefined,
        ...(systemLogs.length > 0 ? { system_logs: systemLogs } : {}),
      },
    };
  }

  async cleanup(run: ProviderRun): Promise<void> {
    // A run we stopped following (our polling gave up, say) must not go on costing money: cancel
    // leaves an ended run alone. Nothing else to remove: HealthOmics deprovisions run storage when
    // a run stops, outputs and logs in S3 and CloudWatch are the run's results, and the run record
    // is kept or dropped by its retention mode.
    if (run.externalId) await this.cancel(run);
  }

  /** The StartRun request for a run; throws InvalidRunRequestError for what cannot run here. */
  private startRunInput(run: ProviderRun): StartRunCommandInput {
    const { request } = run;
    const type = typeof request.workflow_type === 'string' ? request.workflow_type.toUpperCase() : '';
    if (!(HEALTHOMICS_WORKFLOW_TYPES as readonly string[]).includes(type)) {
      throw new InvalidRunRequestError(
        `healthomics: workflow_type must be one of ${HEALTHOMICS_WORKFLOW_TYPES.join(', ')}, not ${JSON.stringify(request.workflow_type)}`,
      );
    }
    const workflowId = parseWorkflowUrl(request.workflow_url, this.settings.region);
    const params = request.workflow_params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new InvalidRunRequestError('healthomics: workflow_params must be an object (the run parameters)');
    }
    const engine = parseEngineParameters(request.workflow_engine_parameters);
    const storageType = engine.storageType;
    const storageCapacity =
      engine.storageCapacity ?? (storageType === StorageType.DYNAMIC ? undefined : this.settings.storageCapacity);
    const input: StartRunCommandInput = {
      workflowId,
      roleArn: this.settings.roleArn,
      outputUri: this.settings.outputUri,
      requestId: run.runId,
      ...engine,
      name: engine.name ?? run.runId,
      tags: runTags(request, run.runId),
    };
    if (this.settings.workflowType !== undefined) input.workflowType = this.settings.workflowType;
    if (storageCapacity !== undefined) input.storageCapacity = storageCapacity;
    if (params !== undefined) input.parameters = params as StartRunCommandInput['parameters'];
    return input;
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
