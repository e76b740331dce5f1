/** What a provider's tests need to call it outside an activity. */
import type { OperationContext } from '../../activities/providers/provider';
import { runWorkDir } from '../../activities/work-dir';
import type { ProviderRun, WesRunRequest } from '../../domain/run-types';

/** Never cancelled; heartbeats go nowhere. */
export const testOperationContext: OperationContext = {
  signal: new AbortController().signal,
  heartbeat: () => undefined,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Local CWL runs numbered from 1, their work dirs under the data dir `dataDir()` gives when called. */
export function localRunMaker(dataDir: () => string): (request: Partial<WesRunRequest>) => ProviderRun {
  let count = 0;
  return (request) => {
    const runId = `run-${++count}`;
    return {
      runId,
      provider: 'local',
      workDir: runWorkDir(dataDir(), runId),
      request: { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: '', ...request },
    };
  };
}
