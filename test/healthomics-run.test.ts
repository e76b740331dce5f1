/**
 * Whole runs on the healthomics provider: the real workflow, worker and Temporal server, with only
 * AWS replaced by aws-sdk-client-mock (no AWS account is reachable here). The mock plays a
 * HealthOmics run whose status the test moves along.
 */
import { CancelRunCommand, GetRunCommand, OmicsClient, StartRunCommand } from '@aws-sdk/client-omics';
import { mockClient } from 'aws-sdk-client-mock';
import { parseProvidersConfig } from '../activities/providers/config';
import { createHarness, FAST_RETRY, finalSnapshot, type Harness, transitionTypes, waitForSnapshot } from './support/harness';

const omics = mockClient(OmicsClient);
let h: Harness;
/** What the mocked HealthOmics run reports; tests move it along. */
let status: string;
let failureReason: string | undefined;

beforeAll(async () => {
  const providers = {
    default: 'omics',
    providers: {
      omics: {
        kind: 'healthomics',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/omics',
        outputUri: 's3://bucket/runs',
        pollIntervalMs: 100,
      },
    },
  };
  h = await createHarness({ providers: parseProvidersConfig(providers, 'the providers of this test') });
});
afterAll(async () => {
  await h.stop();
  omics.restore();
});
beforeEach(() => {
  omics.reset();
  status = 'PENDING';
  failureReason = undefined;
  omics.on(StartRunCommand).resolves({ id: '4242', status: 'PENDING' });
  omics.on(GetRunCommand).callsFake(async () => ({
    id: '4242',
    status,
    failureReason,
    outputUri: 's3://bucket/runs',
    runOutputUri: 's3://bucket/runs/4242',
  }));
  omics.on(CancelRunCommand).callsFake(async () => {
    status = 'CANCELLED';
    return {};
  });
});

const request = { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: 'omics:1234567', workflow_params: { n: 1 } };
const startRunCalls = () => omics.commandCalls(StartRunCommand).map((call) => call.args[0].input);

test('a run completes at HealthOmics, submitted once with the run id as request id', async () => {
  const handle = await h.start(request);
  await waitForSnapshot(handle, (s) => s.externalId === '4242');
  status = 'RUNNING';
  await waitForSnapshot(handle, (s) => s.transitions.some((t) => t.payload?.provider_state === 'RUNNING'));
  status = 'COMPLETED';
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  expect(JSON.stringify(result.outputs)).toContain('s3://bucket/runs/4242');
  expect(startRunCalls()).toHaveLength(1);
  expect(startRunCalls()[0]).toMatchObject({ requestId: handle.workflowId, workflowId: '1234567', parameters: { n: 1 } });
});

test('a failed HealthOmics run ends as EXECUTOR_ERROR with its reason', async () => {
  const handle = await h.start(request);
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  failureReason = 'WORKFLOW_RUN_FAILED: task x exited 1';
  status = 'FAILED';
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error', wesState: 'EXECUTOR_ERROR' });
  expect(result.error).toContain('WORKFLOW_RUN_FAILED');
});

test('cancel stops the run at HealthOmics', async () => {
  const handle = await h.start(request);
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  status = 'RUNNING';
  await handle.cancel();
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('cancelled');
  expect(omics.commandCalls(CancelRunCommand).map((call) => call.args[0].input)).toContainEqual({ id: '4242' });
});

test('a restart of the worker in the middle: the run goes on, submitted once', async () => {
  const handle = await h.start(request);
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  status = 'RUNNING';
  await h.restartWorker();
  status = 'COMPLETED';
  expect((await finalSnapshot(handle)).state).toBe('succeeded');
  expect(startRunCalls()).toHaveLength(1);
});

test('HealthOmics unreachable: retried, then SYSTEM_ERROR naming the provider and the cause', async () => {
  omics.on(StartRunCommand).rejects(Object.assign(new Error('connect ETIMEDOUT 52.95.110.1:443'), { name: 'TimeoutError' }));
  const handle = await h.start(request, { providerRetry: FAST_RETRY });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error', wesState: 'SYSTEM_ERROR' });
  expect(result.error).toContain("provider 'omics' submit");
  expect(result.error).toContain('ETIMEDOUT');
  expect(startRunCalls()).toHaveLength(FAST_RETRY.maximumAttempts);
  // The provider never accepted the run: it failed while starting.
  expect(transitionTypes(result)).toEqual(['init:starting', 'error:failed']);
});
