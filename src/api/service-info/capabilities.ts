/**
 * What this service can run: the union of its providers' capabilities (each provider reports
 * only what it really runs here, e.g. CWL only when cwltool answers). Found once at start-up.
 */
import type { ProviderRegistry } from '../../../activities/provider-registry';
import type { ProviderCapabilities } from '../../../activities/provider';

export const CAPABILITIES = Symbol('Capabilities');

export async function detectCapabilities(registry: ProviderRegistry): Promise<ProviderCapabilities> {
  const all = await Promise.all(registry.names().map((name) => registry.get(name).capabilities()));
  return {
    workflowTypeVersions: mergeLists(all.map((capabilities) => capabilities.workflowTypeVersions)),
    engineVersions: mergeLists(all.map((capabilities) => capabilities.engineVersions)),
    filesystemProtocols: union(all.flatMap((capabilities) => capabilities.filesystemProtocols)),
  };
}

function mergeLists(records: Array<Record<string, string[]>>): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const record of records) for (const [key, values] of Object.entries(record)) merged[key] = union([...(merged[key] ?? []), ...values]);
  return merged;
}

const union = (values: string[]) => [...new Set(values)];
