/**
 * The worker's pino logger as the Temporal Runtime's logger, which receives the SDK's own lines and
 * those of workflow and activity code (`log` of @temporalio/workflow and @temporalio/activity).
 * Their attributes name the workflow; a run's workflow id is its run id, so every line about a run
 * carries `run_id`, the field the API's request lines use too.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';

/** Temporal's own run id would read as ours: it is the id of one execution of the run's workflow. */
function fields(meta: LogMetadata = {}): Record<string, unknown> {
  const { workflowId, runId, workflowRunId, ...rest } = meta as Record<string, unknown>;
  const temporalRunId = runId ?? workflowRunId;
  return {
    ...(workflowId === undefined ? {} : { run_id: workflowId }),
    ...(temporalRunId === undefined ? {} : { temporal_run_id: temporalRunId }),
    ...rest,
  };
}

/**
 * What the SDK says of every worker at every start that no one can act on: a provider's worker
 * runs activities only, by design (src/worker/create-worker.ts), and this service has no Nexus.
 */
const UNACTIONABLE = new Set([
  'No workflows registered, not polling for workflow tasks',
  'No Nexus services registered, not polling for Nexus tasks',
]);

const LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (!UNACTIONABLE.has(message)) logger[LEVEL[level]](fields(meta), message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
