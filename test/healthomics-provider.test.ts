/**
 * HealthOmicsProvider against a mocked AWS SDK (aws-sdk-client-mock): no AWS account is reachable
 * here, so each check is on what the provider sends to HealthOmics and on how it reads the answers
 * and errors HealthOmics' API documents.
 */
import {
  AccessDeniedException,
  CancelRunCommand,
  ConflictException,
  GetRunCommand,
  type GetRunCommandOutput,
  InternalServerException,
  OmicsClient,
  RequestTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartRunCommand,
  type StartRunCommandInput,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-omics';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidRunRequestError, ProviderRejectedError } from '../activities/errors';
import { ProviderRegistry } from '../activities/providers/provider-registry';
import { type HealthOmicsSettings, providerSettings } from '../activities/providers/config';
import { classifyOmicsError, HealthOmicsProvider, logStreamUrl } from '../activities/providers/healthomics';
import { createRunActivities } from '../activities/run-activities';
import { WorkerMetrics } from '../activities/worker-metrics';
import { RUN_ID_TAG } from '../activities/run-tags';
import type { ProviderRun, WesRunRequest } from '../domain/run-types';
import { testOperationContext } from './support/provider-operations';

const omics = mockClient(OmicsClient);

const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/omics-service-role';
const OUTPUT = 's3://wes-outputs/runs';
const OMICS_RUN = '7654321';

const context = testOperationContext;

/** The settings as the providers' configuration gives them: parsed, defaults applied. */
function settings(overrides: Partial<Omit<HealthOmicsSettings, 'kind'>> = {}): HealthOmicsSettings {
  return providerSettings('healthomics', {
    region: REGION,
    roleArn: ROLE,
    outputUri: OUTPUT,
    storageCapacity: 1200,
    pollIntervalMs: 10,
    ...overrides,
  });
}

function makeProvider(overrides: Partial<Omit<HealthOmicsSettings, 'kind'>> = {}): HealthOmicsProvider {
  return new HealthOmicsProvider(
    settings(overrides),
    new OmicsClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
}

let runCount = 0;
function makeRun(request: Partial<WesRunRequest> = {}, externalId?: string): ProviderRun {
  const runId = `run-00000000-0000-4000-8000-${String(++runCount).padStart(12, '0')}`;
  return {
    runId,
    provider: 'healthomics',
    workDir: `/nonexistent/${runId}`,
    request: { workflow_type: 'WDL', workflow_type_version: '1.0', workflow_url: 'omics:1234567', ...request },
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

const aws = { $metadata: {} };
const startRunInputs = (): StartRunCommandInput[] => omics.commandCalls(StartRunCommand).map((call) => call.args[0].input);

/** The error a dropped connection gives the SDK (no AWS error name of its own). */
function networkError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

beforeEach(() => {
  omics.reset();
});

afterAll(() => {
  omics.restore();
});

describe('validate', () => {
  const provider = makeProvider();

  test.each([
    ['omics:<id>', 'omics:1234567'],
    ['a bare workflow id', '1234567'],
    ['the workflow ARN', `arn:aws:omics:${REGION}:123456789012:workflow/1234567`],
  ])('accepts %s as workflow_url', (_label, url) => {
    expect(() => provider.validate(makeRun({ workflow_url: url }).request)).not.toThrow();
  });

  test.each([
    ['an http URL', 'https://example.org/main.wdl'],
    ['a local path', '/srv/workflows/main.wdl'],
    ['a non-numeric id', 'omics:my-workflow'],
    ['an empty id', 'omics:'],
    ['an id longer than HealthOmics allows', `omics:${'1'.repeat(19)}`],
    ['an ARN from another region', 'arn:aws:omics:eu-west-1:123456789012:workflow/1234567'],
    ['the ARN of a run, not a workflow', `arn:aws:omics:${REGION}:123456789012:run/1234567`],
    ['nothing', ''],
  ])('refuses %s as workflow_url', (_label, url) => {
    expect(() => provider.validate(makeRun({ workflow_url: url }).request)).toThrow(InvalidRunRequestError);
  });

  test.each(['CWL', 'wdl', 'Nextflow'])('accepts workflow_type %s', (type) => {
    expect(() => provider.validate(makeRun({ workflow_type: type }).request)).not.toThrow();
  });

  test.each(['SNAKEMAKE', 'TASK', ''])('refuses workflow_type %j', (type) => {
    expect(() => provider.validate(makeRun({ workflow_type: type }).request)).toThrow(/workflow_type must be one of CWL, WDL, NEXTFLOW/);
  });

  test('accepts the allow-listed engine parameters', () => {
    const request = makeRun({
      workflow_engine_parameters: {
        storageType: 'static',
        storageCapacity: '2400',
        priority: '5',
        logLevel: 'ALL',
        retentionMode: 'REMOVE',
        name: 'my sample',
        runGroupId: '1111111',
        cacheId: '2222222',
        cacheBehavior: 'CACHE_ON_FAILURE',
        workflowVersionName: 'v2',
      },
    }).request;
    expect(() => provider.validate(request)).not.toThrow();
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['an unknown key', { instanceType: 'omics.c.large' }, /workflow_engine_parameters: instanceType: unknown setting/],
    ['a key outside the allow-list that StartRun has', { roleArn: 'arn:aws:iam::999999999999:role/other' }, /roleArn: unknown setting/],
    ['a bad storageType', { storageType: 'FAST' }, /storageType: must be one of/],
    ['a non-integer storageCapacity', { storageCapacity: '12.5' }, /storageCapacity: must be an integer/],
    ['a zero storageCapacity', { storageCapacity: '0' }, /storageCapacity: must be an integer/],
    ['a negative priority', { priority: '-1' }, /priority: must be an integer/],
    ['a bad logLevel', { logLevel: 'DEBUG' }, /logLevel: must be one of/],
    ['a bad retentionMode', { retentionMode: 'FOREVER' }, /retentionMode: must be one of/],
    ['a non-numeric runGroupId', { runGroupId: 'group-a' }, /runGroupId: must be a HealthOmics id/],
    ['a name with a newline', { name: 'a\nb' }, /name: must be 1 to 128/],
    ['storageCapacity with DYNAMIC storage', { storageType: 'DYNAMIC', storageCapacity: '1200' }, /STATIC storage only/],
    ['cacheBehavior without cacheId', { cacheBehavior: 'CACHE_ALWAYS' }, /cacheBehavior needs a cacheId/],
  ])('refuses %s in workflow_engine_parameters', (_label, params, message) => {
    const request = makeRun({ workflow_engine_parameters: params }).request;
    expect(() => provider.validate(request)).toThrow(InvalidRunRequestError);
    expect(() => provider.validate(request)).toThrow(message);
  });

  test('refuses reserved or oversized tags', () => {
    expect(() => provider.validate(makeRun({ tags: { 'aws:owner': 'x' } }).request)).toThrow(/not start with aws:/);
    expect(() => provider.validate(makeRun({ tags: { note: 'x'.repeat(257) } }).request)).toThrow(/longer than 256/);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(() => provider.validate(makeRun({ tags: many }).request)).toThrow(/at most 49 tags/);
  });

  test('asks AWS nothing', () => {
    provider.validate(makeRun().request);
    expect(() => provider.validate(makeRun({ workflow_url: 'nope' }).request)).toThrow();
    expect(omics.calls()).toHaveLength(0);
  });

  test('advertises HealthOmics’ three languages without asking AWS', async () => {
    const capabilities = await provider.capabilities();
    expect(Object.keys(capabilities.workflowTypeVersions).sort()).toEqual(['CWL', 'NEXTFLOW', 'WDL']);
    expect(capabilities.filesystemProtocols).toContain('s3');
    expect(omics.calls()).toHaveLength(0);
  });

  test('is given no settings that cannot work', () => {
    expect(() => makeProvider({ outputUri: '/local/dir' })).toThrow(/outputUri: must be an s3:\/\//);
    expect(() => makeProvider({ roleArn: 'omics-role' })).toThrow(/roleArn: must be an IAM role ARN/);
    expect(() => makeProvider({ storageCapacity: -5 })).toThrow(/storageCapacity/);
    expect(() => makeProvider({ region: '' })).toThrow(/region/);
    expect(makeProvider({ pollIntervalMs: undefined }).pollIntervalMs).toBe(30_000);
  });
});

describe('a run that succeeds', () => {
  test('starts one HealthOmics run with the run id as requestId and the request mapped onto StartRun', async () => {
    const provider = makeProvider({ workflowType: 'PRIVATE' });
    omics.on(StartRunCommand).resolves({ id: OMICS_RUN, status: 'PENDING' });
    const run = makeRun({
      workflow_type: 'NEXTFLOW',
      workflow_url: `arn:aws:omics:${REGION}:123456789012:workflow/1234567`,
      workflow_params: { input: 's3://data/sample.fastq', threads: 4, flags: { qc: true } },
      tags: { project: 'p-42', wes_provider: 'healthomics', [RUN_ID_TAG]: 'forged', count: 3 as unknown as string },
      workflow_engine_parameters: { priority: '7', logLevel: 'error', retentionMode: 'REMOVE' },
    });

    await provider.prepare(run, context);
    await expect(provider.submit(run)).resolves.toBe(OMICS_RUN);

    const inputs = startRunInputs();
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toEqual({
      workflowId: '1234567',
      workflowType: 'PRIVATE',
      roleArn: ROLE,
      outputUri: OUTPUT,
      requestId: run.runId,
      name: run.runId,
      parameters: { input: 's3://data/sample.fastq', threads: 4, flags: { qc: true } },
      // Non-string tag values and our own tags are left out; the run id cannot be overridden by the request.
      tags: { project: 'p-42', [RUN_ID_TAG]: run.runId },
      storageCapacity: 1200,
      priority: 7,
      logLevel: 'ERROR',
      retentionMode: 'REMOVE',
    });
  });

  test('sends no storageCapacity for DYNAMIC storage, and a chosen name and capacity when given', async () => {
    const provider = makeProvider();
    omics.on(StartRunCommand).resolves({ id: OMICS_RUN });
    await provider.submit(makeRun({ workflow_engine_parameters: { storageType: 'DYNAMIC' } }));
    await provider.submit(makeRun({ workflow_engine_parameters: { storageCapacity: '4800', name: 'sample A' } }));
    const [dynamic, sized] = startRunInputs();
    expect(dynamic.storageType).toBe('DYNAMIC');
    expect(dynamic).not.toHaveProperty('storageCapacity');
    expect(dynamic).not.toHaveProperty('parameters');
    expect(sized).toMatchObject({ storageCapacity: 4800, name: 'sample A' });
  });

  test('maps PENDING, STARTING, RUNNING, STOPPING and COMPLETED onto WES states', async () => {
    const provider = makeProvider();
    omics
      .on(GetRunCommand, { id: OMICS_RUN })
      .resolvesOnce({ id: OMICS_RUN, status: 'PENDING' })
      .resolvesOnce({ id: OMICS_RUN, status: 'STARTING' })
      .resolvesOnce({ id: OMICS_RUN, status: 'RUNNING', statusMessage: 'importing inputs' })
      .resolvesOnce({ id: OMICS_RUN, status: 'STOPPING' })
      .resolves({ id: OMICS_RUN, status: 'COMPLETED' });
    const run = makeRun({}, OMICS_RUN);

    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await provider.status(run));
    expect(seen.map((s) => s.state)).toEqual(['QUEUED', 'INITIALIZING', 'RUNNING', 'RUNNING', 'COMPLETE']);
    expect(seen[2].detail).toBe(`HealthOmics run ${OMICS_RUN} is RUNNING: importing inputs`);
    expect(seen[3].detail).toContain('STOPPING');
    const asked = omics.commandCalls(GetRunCommand).map((call) => call.args[0].input);
    expect(asked).toHaveLength(5);
    expect(asked.every((input) => input.id === OMICS_RUN)).toBe(true);
  });

  test('reports where HealthOmics put the outputs, when it ran, and its logs', async () => {
    const provider = makeProvider();
    const runLog = `arn:aws:logs:${REGION}:123456789012:log-group:/aws/omics/WorkflowLog:log-stream:run/${OMICS_RUN}`;
    const engineLog = `arn:aws:logs:${REGION}:123456789012:log-group:/aws/omics/WorkflowLog:log-stream:run/${OMICS_RUN}/engine`;
    omics.on(GetRunCommand).resolves({
      id: OMICS_RUN,
      arn: `arn:aws:omics:${REGION}:123456789012:run/${OMICS_RUN}`,
      uuid: '0b6c8f5e-1111-2222-3333-444455556666',
      status: 'COMPLETED',
      workflowId: '1234567',
      outputUri: OUTPUT,
      runOutputUri: `${OUTPUT}/${OMICS_RUN}`,
      startTime: new Date('2026-11-21T10:00:00Z'),
      stopTime: new Date('2026-11-21T11:30:00Z'),
      logLocation: { runLogStream: runLog, engineLogStream: engineLog },
    });

    const results = await provider.results(makeRun({}, OMICS_RUN));
    expect(results.outputs).toMatchObject({
      output_uri: `${OUTPUT}/${OMICS_RUN}/out`,
      run_output_uri: `${OUTPUT}/${OMICS_RUN}`,
      healthomics_run_id: OMICS_RUN,
      healthomics_run_uuid: '0b6c8f5e-1111-2222-3333-444455556666',
      healthomics_workflow_id: '1234567',
      healthomics_status: 'COMPLETED',
    });
    expect(results.log).toMatchObject({
      name: 'healthomics',
      start_time: '2026-11-21T10:00:00.000Z',
      end_time: '2026-11-21T11:30:00.000Z',
      stdout: logStreamUrl(runLog),
      stderr: logStreamUrl(engineLog),
    });
    expect(results.log.stdout).toBe(
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/$252Faws$252Fomics$252FWorkflowLog/log-events/run$252F${OMICS_RUN}`,
    );
    expect(results.log.system_logs).toEqual([`run log stream: ${runLog}`, `engine log stream: ${engineLog}`]);
  });

  test('falls back to the documented output layout when GetRun gives no runOutputUri', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'COMPLETED', outputUri: 's3://other-bucket/' });
    const results = await makeProvider().results(makeRun({}, OMICS_RUN));
    expect(results.outputs.output_uri).toBe(`s3://other-bucket/${OMICS_RUN}/out`);
    expect(results.log.start_time).toBeUndefined();
    expect(results.log.stdout).toBeUndefined();
  });

  test('works with the client it builds itself', async () => {
    omics.on(StartRunCommand).resolves({ id: OMICS_RUN });
    await expect(new HealthOmicsProvider(settings()).submit(makeRun())).resolves.toBe(OMICS_RUN);
    expect(startRunInputs()).toHaveLength(1);
  });
});

describe('idempotent submit', () => {
  /** HealthOmics' documented behaviour: one run per requestId. */
  function dedupingStartRun(loseFirstResponse: boolean) {
    const runs = new Map<string, string>();
    let calls = 0;
    omics.on(StartRunCommand).callsFake((input: StartRunCommandInput) => {
      calls++;
      const key = input.requestId ?? `no-request-id-${calls}`;
      if (!runs.has(key)) runs.set(key, String(9_000_000 + runs.size));
      // The run was started, but the answer never reached us.
      if (loseFirstResponse && calls === 1) throw networkError();
      return { id: runs.get(key), status: 'PENDING' };
    });
    return runs;
  }

  test('sends the same requestId when a submit is retried, so HealthOmics returns the same run', async () => {
    const provider = makeProvider();
    const runs = dedupingStartRun(true);
    const run = makeRun();

    const first = provider.submit(run);
    await expect(first).rejects.toBeInstanceOf(Error);
    await expect(first).rejects.not.toBeInstanceOf(ProviderRejectedError);
    const id = await provider.submit(run);
    expect(await provider.submit(run)).toBe(id);

    const inputs = startRunInputs();
    expect(inputs).toHaveLength(3);
    expect(inputs.map((input) => input.requestId)).toEqual([run.runId, run.runId, run.runId]);
    expect(runs.size).toBe(1);
  });

  test('gives different runs different requestIds', async () => {
    const provider = makeProvider();
    const runs = dedupingStartRun(false);
    const a = await provider.submit(makeRun());
    const b = await provider.submit(makeRun());
    expect(a).not.toBe(b);
    expect(runs.size).toBe(2);
  });
});

describe('a run that fails', () => {
  const provider = makeProvider();

  test('maps FAILED to EXECUTOR_ERROR with HealthOmics’ reason', async () => {
    omics.on(GetRunCommand).resolves({
      id: OMICS_RUN,
      status: 'FAILED',
      failureReason: 'RUN_TASK_FAILED',
      statusMessage: 'Task align (id 1122334) exited with code 137',
    });
    await expect(provider.status(makeRun({}, OMICS_RUN))).resolves.toEqual({
      state: 'EXECUTOR_ERROR',
      detail: `HealthOmics run ${OMICS_RUN} failed: RUN_TASK_FAILED: Task align (id 1122334) exited with code 137`,
    });
  });

  test.each(['SERVICE_ERROR', 'INSTANCE_RESERVATION_FAILED', 'ASSUME_ROLE_FAILED', 'EXPORT_FAILED'])(
    'maps FAILED with %s (the service or our configuration) to SYSTEM_ERROR',
    async (reason) => {
      omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'FAILED', failureReason: reason });
      const status = await provider.status(makeRun({}, OMICS_RUN));
      expect(status.state).toBe('SYSTEM_ERROR');
      expect(status.detail).toContain(reason);
    },
  );

  test('maps FAILED without any reason to EXECUTOR_ERROR, and says so', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'FAILED' });
    await expect(provider.status(makeRun({}, OMICS_RUN))).resolves.toEqual({
      state: 'EXECUTOR_ERROR',
      detail: `HealthOmics run ${OMICS_RUN} failed without a reason`,
    });
  });

  test.each<[GetRunCommandOutput['status'], string]>([
    ['CANCELLED', 'CANCELED'],
    ['DELETED', 'CANCELED'],
    ['HIBERNATING' as GetRunCommandOutput['status'], 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ])('maps %s to %s', async (status, state) => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status, $metadata: {} });
    expect((await provider.status(makeRun({}, OMICS_RUN))).state).toBe(state);
  });

  test('reports a run HealthOmics no longer knows as SYSTEM_ERROR rather than throwing', async () => {
    omics.on(GetRunCommand).rejects(new ResourceNotFoundException({ message: 'Run not found', ...aws }));
    const status = await provider.status(makeRun({}, OMICS_RUN));
    expect(status.state).toBe('SYSTEM_ERROR');
    expect(status.detail).toContain('ResourceNotFoundException');
    // The log of such a run still comes back, with what can be said about it.
    const results = await provider.results(makeRun({}, OMICS_RUN));
    expect(results.outputs.output_uri).toBe(`${OUTPUT}/${OMICS_RUN}/out`);
    expect(results.log.system_logs?.[0]).toContain('no run');
  });

  test('keeps the failure reason in the run log', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'FAILED', failureReason: 'OUT_OF_MEMORY', statusMessage: 'task 3' });
    const results = await provider.results(makeRun({}, OMICS_RUN));
    expect(results.log.system_logs).toEqual(['failure reason: OUT_OF_MEMORY', 'status message: task 3']);
  });
});

describe('AWS errors', () => {
  const provider = makeProvider();

  test.each([
    ['ValidationException', () => new ValidationException({ message: 'Unexpected parameter: foo', ...aws })],
    ['AccessDeniedException', () => new AccessDeniedException({ message: 'not authorized to perform omics:StartRun', ...aws })],
    ['ResourceNotFoundException', () => new ResourceNotFoundException({ message: 'Workflow not found', ...aws })],
    ['ConflictException', () => new ConflictException({ message: 'Workflow is not ACTIVE', ...aws })],
    ['ServiceQuotaExceededException', () => new ServiceQuotaExceededException({ message: 'Too many runs', ...aws })],
  ])('a %s on StartRun is a ProviderRejectedError naming it', async (name, error) => {
    omics.on(StartRunCommand).rejects(error());
    const err = provider.submit(makeRun());
    await expect(err).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(err).rejects.toThrow(`AWS ${name}`);
    await expect(err).rejects.toThrow('StartRun');
  });

  test.each([
    ['ThrottlingException', () => new ThrottlingException({ message: 'Rate exceeded', ...aws })],
    ['InternalServerException', () => new InternalServerException({ message: 'Internal error', ...aws })],
    ['RequestTimeoutException', () => new RequestTimeoutException({ message: 'Timed out', ...aws })],
    ['a dropped connection', networkError],
    ['a timeout', () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' })],
  ])('%s on StartRun is a plain, retryable Error', async (_label, error) => {
    omics.on(StartRunCommand).rejects(error());
    const err = provider.submit(makeRun());
    await expect(err).rejects.toBeInstanceOf(Error);
    await expect(err).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(err).rejects.not.toBeInstanceOf(InvalidRunRequestError);
    await expect(err).rejects.toThrow(error().message);
  });

  test('classifies errors of GetRun the same way', async () => {
    omics.on(GetRunCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...aws }));
    const throttled = provider.status(makeRun({}, OMICS_RUN));
    await expect(throttled).rejects.toBeInstanceOf(Error);
    await expect(throttled).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(throttled).rejects.toThrow('ThrottlingException');
  });

  test('classifies access refused on GetRun as rejected', async () => {
    omics.on(GetRunCommand).rejects(new AccessDeniedException({ message: 'no omics:GetRun', ...aws }));
    await expect(provider.status(makeRun({}, OMICS_RUN))).rejects.toThrow(ProviderRejectedError);
    await expect(provider.results(makeRun({}, OMICS_RUN))).rejects.toThrow(/GetRun refused with AWS AccessDeniedException/);
  });

  test('classifyOmicsError keeps our own errors as they are', () => {
    const rejected = new ProviderRejectedError('x');
    expect(classifyOmicsError(rejected, 'StartRun')).toBe(rejected);
    expect(classifyOmicsError('a string', 'StartRun').message).toContain('a string');
  });

  test('refuses status, results and submit answers that cannot be right', async () => {
    await expect(provider.status(makeRun())).rejects.toThrow(ProviderRejectedError);
    await expect(provider.results(makeRun())).rejects.toThrow(/never submitted/);
    omics.on(StartRunCommand).resolves({});
    const err = provider.submit(makeRun());
    await expect(err).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(err).rejects.toThrow(/without a run id/);
  });
});

describe('cancel, resume and cleanup', () => {
  const provider = makeProvider();

  test('cancels a run that is still going', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'RUNNING' });
    omics.on(CancelRunCommand).resolves({});
    await provider.cancel(makeRun({}, OMICS_RUN));
    const calls = omics.commandCalls(CancelRunCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ id: OMICS_RUN });
  });

  test.each(['COMPLETED', 'FAILED', 'CANCELLED', 'DELETED'] as const)('leaves a %s run as it ended', async (status) => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status });
    await provider.cancel(makeRun({}, OMICS_RUN));
    expect(omics.commandCalls(CancelRunCommand)).toHaveLength(0);
  });

  test('does not throw when the run ended between the look and the cancel (ConflictException)', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'RUNNING' });
    omics.on(CancelRunCommand).rejects(new ConflictException({ message: 'Run is not in a cancellable state', ...aws }));
    await expect(provider.cancel(makeRun({}, OMICS_RUN))).resolves.toBeUndefined();
    expect(omics.commandCalls(CancelRunCommand)).toHaveLength(1);
  });

  test('does nothing for a run that was never submitted or that HealthOmics no longer has', async () => {
    await provider.cancel(makeRun());
    expect(omics.calls()).toHaveLength(0);
    omics.on(GetRunCommand).rejects(new ResourceNotFoundException({ message: 'Run not found', ...aws }));
    await provider.cancel(makeRun({}, OMICS_RUN));
    expect(omics.commandCalls(CancelRunCommand)).toHaveLength(0);
  });

  test('classifies other CancelRun errors', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'PENDING' });
    omics.on(CancelRunCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...aws }));
    const throttled = provider.cancel(makeRun({}, OMICS_RUN));
    await expect(throttled).rejects.toBeInstanceOf(Error);
    await expect(throttled).rejects.not.toBeInstanceOf(ProviderRejectedError);
  });

  test('classifies a refused CancelRun as rejected', async () => {
    omics.on(GetRunCommand).resolves({ id: OMICS_RUN, status: 'PENDING' });
    omics.on(CancelRunCommand).rejects(new AccessDeniedException({ message: 'no omics:CancelRun', ...aws }));
    await expect(provider.cancel(makeRun({}, OMICS_RUN))).rejects.toThrow(/CancelRun refused with AWS AccessDeniedException/);
  });

  test('has no resume: resuming its run is rejected, and asks AWS nothing', async () => {
    expect('resume' in provider).toBe(false);
    const registry = new ProviderRegistry(new Map([['healthomics', provider]]), 'healthomics');
    const activities = createRunActivities({
      registry,
      runStore: undefined as never,
      dataDir: '/nonexistent',
      hostQueue: () => 'unused',
      metrics: new WorkerMetrics(),
    });
    const resuming = new MockActivityEnvironment().run(() => activities.resumeRun(makeRun({}, OMICS_RUN), { ok: true }));
    await expect(resuming).rejects.toMatchObject({ nonRetryable: true, type: 'ProviderRejected' });
    await expect(resuming).rejects.toThrow(
      "provider 'healthomics' resume: healthomics runs cannot be paused, so there is nothing to resume",
    );
    expect(omics.calls()).toHaveLength(0);
  });

  test('cleanup cancels a run still going at HealthOmics, and leaves an ended one alone', async () => {
    await expect(provider.cleanup(makeRun())).resolves.toBeUndefined();
    expect(omics.calls()).toHaveLength(0);

    omics.on(GetRunCommand).resolves({ ...aws, id: OMICS_RUN, status: 'RUNNING' });
    omics.on(CancelRunCommand).resolves(aws);
    await provider.cleanup(makeRun({}, OMICS_RUN));
    expect(omics.commandCalls(CancelRunCommand).map((call) => call.args[0].input)).toEqual([{ id: OMICS_RUN }]);

    omics.reset();
    omics.on(GetRunCommand).resolves({ ...aws, id: OMICS_RUN, status: 'COMPLETED' });
    await provider.cleanup(makeRun({}, OMICS_RUN));
    expect(omics.commandCalls(CancelRunCommand)).toHaveLength(0);
  });
});
