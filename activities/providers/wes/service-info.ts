/** What a remote's service-info says it runs, as the provider's capabilities. */
import type { ProviderCapabilities } from '../provider';
import type { RemoteServiceInfo } from './client';

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

const isNested = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Type (or engine) → versions; WES 1.1 nests them in objects, WES 1.0 servers (wes-service) may give a bare string. */
function versions(record: unknown, key: string): Record<string, string[]> {
  if (typeof record !== 'object' || record === null) return {};
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, strings(isNested(value) ? value[key] : value)]));
}

export function capabilitiesOf(info: RemoteServiceInfo): ProviderCapabilities {
  return {
    workflowTypeVersions: versions(info.workflow_type_versions, 'workflow_type_version'),
    engineVersions: versions(info.workflow_engine_versions, 'workflow_engine_version'),
    filesystemProtocols: strings(info.supported_filesystem_protocols),
  };
}
