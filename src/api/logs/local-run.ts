import type { ProviderRegistry } from '../../../activities/provider-registry';
import type { RunRow } from '../../../domain/run-rows';

/** Whether the run's engine ran on a host of ours, so its logs are files in the shared data dir. */
export function isLocalRun(registry: ProviderRegistry, row: RunRow): boolean {
  return row.provider !== undefined && registry.names().includes(row.provider) && registry.get(row.provider).kind === 'local';
}
