/**
 * Read-model rows as the WES 1.1 schemas show them (RunStatus, RunSummary, RunLog): the generated
 * types, with what we always fill made required, and our extensions (durable-wes.overlay.yaml).
 */
import type { components } from '../../../spec/wes-api';
import type { RunLog } from '../../../domain/run-types';
import type { WesState } from '../../../domain/wes-state';
import type { RunRow, RunStatusRow, RunSummaryRow } from '../../../domain/run-rows';

type WesSchemas = components['schemas'];

export type RunStatusView = Required<WesSchemas['RunStatus']> & { state: WesState };

export type RunSummaryView = WesSchemas['RunSummary'] & RunStatusView;

export type RunLogView = RunStatusView &
  Required<Pick<WesSchemas['RunLog'], 'run_log' | 'task_logs_url'>> & {
    request: RunRow['request'];
    /** The spec's untyped object, which the generated type reads as an empty one. */
    outputs: Record<string, unknown>;
    /** Extension: the run in the Temporal Web UI. */
    temporal_ui_url: string;
    /** Extension: the run's state transitions. */
    transitions_url: string;
  };

/** With our extension (spec PR 183). */
export type RunListView = Required<WesSchemas['RunListResponse']> & { runs: RunSummaryView[]; total_runs: number };

export function runStatus(row: Pick<RunStatusRow, 'runId' | 'wesState'>): RunStatusView {
  return { run_id: row.runId, state: row.wesState };
}

export function runSummary(row: RunSummaryRow): RunSummaryView {
  return {
    ...runStatus(row),
    start_time: row.startTime?.toISOString(),
    end_time: row.endTime?.toISOString(),
    tags: row.tags,
  };
}

/**
 * `logsUrl`: where the API serves the run's stdout and stderr, when it can (local runs); `outputs`:
 * the run's outputs as shown, their files pointing at their download URLs.
 */
export function runLog(
  row: RunRow,
  links: { runUrl: string; temporalUiUrl: string; logsUrl?: string; outputs: Record<string, unknown> },
): RunLogView {
  const log = logOf(row);
  return {
    ...runStatus(row),
    request: row.request,
    run_log: links.logsUrl ? { ...log, stdout: `${links.logsUrl}/stdout`, stderr: `${links.logsUrl}/stderr` } : log,
    task_logs_url: `${links.runUrl}/tasks`,
    outputs: links.outputs,
    temporal_ui_url: links.temporalUiUrl,
    transitions_url: `${links.runUrl}/transitions`,
  };
}

/** The provider's log, with the run's own times where the provider has none and its error, if any. */
function logOf(row: RunRow): RunLog {
  const log: RunLog = {
    ...row.runLog,
    start_time: row.runLog.start_time ?? row.startTime?.toISOString(),
    end_time: row.runLog.end_time ?? row.endTime?.toISOString(),
  };
  if (row.errorMessage && !log.system_logs?.includes(row.errorMessage)) log.system_logs = [...(log.system_logs ?? []), row.errorMessage];
  return log;
}
