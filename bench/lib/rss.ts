/** A process's resident memory as the kernel counts it (VmRSS in /proc/<pid>/status). */
import { readFileSync } from 'node:fs';

export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return Math.round((Number(line.split(/\s+/)[1]) / 1024) * 10) / 10;
}
