/**
 * What the workers found they can run, for the API to advertise (docs/design.md, "Adding a
 * provider"): the API runs no engine, so it cannot ask one. Each worker host writes its providers'
 * capabilities at start to `<data dir>/workers/<host>.json`, in the data dir the API shares; the
 * API reads them all, with each descriptor's own, and advertises the union.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderCapabilities } from './provider';
import type { ProviderRegistry } from './provider-registry';
import { readJsonIfExists, writeFileAtomic } from '../work-dir';

const REPORTS_DIR = 'workers';

export interface CapabilityReport {
  hostId: string;
  /** ISO 8601. */
  reportedAt: string;
  /** Provider name → what it can run on that host. */
  providers: Record<string, ProviderCapabilities>;
}

/** Asks each of the worker's providers, and replaces the host's last report. */
export async function reportCapabilities(dataDir: string, hostId: string, registry: ProviderRegistry): Promise<CapabilityReport> {
  const names = registry.names();
  const found = await Promise.all(names.map((name) => registry.get(name).capabilities()));
  const report: CapabilityReport = {
    hostId,
    reportedAt: new Date().toISOString(),
    providers: Object.fromEntries(names.map((name, i) => [name, found[i]])),
  };
  const dir = path.join(dataDir, REPORTS_DIR);
  await writeFileAtomic(path.join(dir, `${encodeURIComponent(hostId)}.json`), JSON.stringify(report));
  return report;
}

/** Every host's last report; none before any worker has started. */
export async function readCapabilityReports(dataDir: string): Promise<CapabilityReport[]> {
  const dir = path.join(dataDir, REPORTS_DIR);
  const files = await readdir(dir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const reports = await Promise.all(
    files.filter((file) => file.endsWith('.json')).map((file) => readJsonIfExists<CapabilityReport>(path.join(dir, file))),
  );
  return reports.filter((report): report is CapabilityReport => report !== undefined);
}

export const NO_CAPABILITIES: ProviderCapabilities = { workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: [] };

export function unionOfCapabilities(all: ProviderCapabilities[]): ProviderCapabilities {
  return {
    workflowTypeVersions: mergeLists(all.map((capabilities) => capabilities.workflowTypeVersions)),
    engineVersions: mergeLists(all.map((capabilities) => capabilities.engineVersions)),
    filesystemProtocols: union(all.flatMap((capabilities) => capabilities.filesystemProtocols)),
  };
}

function mergeLists(records: Array<Record<string, string[]>>): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const record of records)
    for (const [key, values] of Object.entries(record)) merged[key] = union([...(merged[key] ?? []), ...values]);
  return merged;
}

const union = (values: string[]) => [...new Set(values)];
