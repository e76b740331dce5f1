/** Where GET /runs/{run_id}/outputs serves a run's outputs (docs/design.md, "Outputs"): their URLs. */
import { encodePath } from '../../../activities/providers/outputs/output-path';

/** Where GET /runs/{run_id}/outputs/{path} serves one output of a run; `apiBaseUrl` is base-url.ts's. */
export function outputUrl(apiBaseUrl: string, runId: string, output: string): string {
  return `${apiBaseUrl}/runs/${encodeURIComponent(runId)}/outputs/${encodePath(output)}`;
}
