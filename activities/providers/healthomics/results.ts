/** A HealthOmics run (GetRun's answer) as the run's results: where its outputs are, and its logs. */
import type { GetRunCommandOutput } from '@aws-sdk/client-omics';
import type { RunResults } from '../../../domain/run-types';

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

/**
 * The results of HealthOmics run `id`; `got` is undefined when HealthOmics no longer has the run.
 * `outputUri` is the configured one, for the documented layout when GetRun does not say.
 */
export function runResults(id: string, got: GetRunCommandOutput | undefined, outputUri: string): RunResults {
  const runOutputUri = got?.runOutputUri ?? joinUri(got?.outputUri ?? outputUri, id);
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
