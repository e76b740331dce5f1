/**
 * The memory this host gives its processes: the machine's, or the container's limit when that is
 * lower (cgroup v2 `memory.max`, else cgroup v1 `memory.limit_in_bytes`; "max" or a huge number
 * means no limit). Node's own heap sizing looks only at the machine's.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

const CGROUP_LIMITS = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

function cgroupLimit(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^[0-9]+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function hostMemoryBytes(files: readonly string[] = CGROUP_LIMITS): number {
  const limits = files.map(cgroupLimit).filter((limit): limit is number => limit !== undefined && limit > 0);
  return Math.min(os.totalmem(), ...limits);
}
