/** Task definitions (docs/tasks.md) written in tests as objects, their run steps on the simulated provider. */
import { stringify } from 'yaml';

/** A `run` step of a simulated run: `params` are its workflow_params (outcome, duration_ms, outputs…). */
export const simulatedStep = (id: string, params: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  id,
  run: {
    workflow_url: 'simulated:',
    workflow_type: 'SIMULATED',
    workflow_type_version: '1',
    workflow_params: { duration_ms: 50, ...params },
  },
  ...more,
});

/** The definition's text, as a client would submit it. */
export const taskDocument = (document: Record<string, unknown>): string => stringify({ dwes_task: '1.0', ...document });
