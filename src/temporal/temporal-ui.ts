import type { Config } from '../config/config';

/** Where a person sees a run in the Temporal Web UI: its workflow id is its run id. */
export function temporalUiLink(config: Pick<Config, 'temporalUiUrl' | 'temporalNamespace'>, runId: string): string {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(runId)}`;
}
