/**
 * One cgroup per run, under the worker's own, in each cgroup v1 controller the host lets us write
 * (memory, pids, cpu): the engine's shell joins them before anything of the run starts, so every
 * process of the run counts, whatever user it runs as. Where a controller is not writable the
 * limit falls back to an rlimit (sandbox/command.ts). cgroup v2 is not used yet: on v2 hosts the
 * rlimits are the limits (docs/design.md, "The sandbox of a local run").
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxSettings } from '../settings';
import { formatSize } from '../../../byte-sizes';

export type Controller = 'memory' | 'pids' | 'cpu';
export type RunCgroups = Partial<Record<Controller, string>>;

const CONTROLLERS: Controller[] = ['memory', 'pids', 'cpu'];
const CFS_PERIOD_US = 100_000;

/** Where each v1 controller's hierarchy holds this process: its mount point joined with our path in it. */
async function ownCgroups(): Promise<RunCgroups> {
  const [membership, mounts] = await Promise.all([readFile('/proc/self/cgroup', 'utf8'), readFile('/proc/self/mountinfo', 'utf8')]);
  const found: RunCgroups = {};
  for (const line of mounts.split('\n')) {
    // id parent major:minor root mountpoint options ... - fstype source superoptions
    const parts = line.split(' - ');
    const [before] = parts;
    const after = parts.at(1);
    if (!after?.startsWith('cgroup ')) continue;
    const [, , , root, mountPoint] = before.split(' ');
    const superOptions = after.split(' ')[2]?.split(',') ?? [];
    for (const controller of CONTROLLERS) {
      if (!superOptions.includes(controller)) continue;
      const entry = membership.split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
      const own = entry?.split(':').slice(2).join(':');
      if (own === undefined || !(own === root || own.startsWith(root === '/' ? '/' : `${root}/`))) continue;
      found[controller] = path.join(mountPoint, path.relative(root, own));
    }
  }
  return found;
}

/** The limit files of each controller, in the order they must be written. */
function limitFiles(controller: Controller, settings: SandboxSettings): Array<[string, string, { optional?: boolean }]> {
  switch (controller) {
    case 'memory':
      // memsw (memory and swap) when the kernel counts swap: a run cannot outgrow its limit into swap.
      return [
        ['memory.limit_in_bytes', String(settings.memory), {}],
        ['memory.memsw.limit_in_bytes', String(settings.memory), { optional: true }],
      ];
    case 'pids':
      return [['pids.max', String(settings.processes), {}]];
    case 'cpu':
      return settings.cpus === undefined
        ? []
        : [
            ['cpu.cfs_period_us', String(CFS_PERIOD_US), {}],
            ['cpu.cfs_quota_us', String(Math.max(1000, Math.round(settings.cpus * CFS_PERIOD_US))), {}],
          ];
  }
}

/** The run's cgroups, limits written; a controller we cannot use is left out. */
export async function createRunCgroups(name: string, settings: SandboxSettings): Promise<RunCgroups> {
  const own = await ownCgroups().catch((): RunCgroups => ({}));
  const made: RunCgroups = {};
  for (const controller of CONTROLLERS) {
    const parent = own[controller];
    if (parent === undefined) continue;
    const dir = path.join(parent, 'durable-wes', name);
    try {
      await mkdir(dir, { recursive: true });
      for (const [file, value, { optional }] of limitFiles(controller, settings)) {
        await writeFile(path.join(dir, file), value).catch((err: unknown) => (optional ? undefined : Promise.reject(err)));
      }
      made[controller] = dir;
    } catch {
      await rmdir(dir).catch(() => undefined);
    }
  }
  return made;
}

async function counter(file: string, key: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** The limit the run's cgroups say it hit, in words; undefined when none. */
export async function cgroupLimitReached(cgroups: RunCgroups, settings: SandboxSettings): Promise<string | undefined> {
  if (cgroups.memory && (await counter(path.join(cgroups.memory, 'memory.oom_control'), 'oom_kill')) > 0) {
    return `memory limit of ${formatSize(settings.memory)} reached`;
  }
  if (cgroups.pids && (await counter(path.join(cgroups.pids, 'pids.events'), 'max')) > 0) {
    return `process limit of ${settings.processes} reached`;
  }
  return undefined;
}

/** Removed once nothing of the run is left in them (the caller killed what was). */
export async function removeRunCgroups(cgroups: RunCgroups): Promise<void> {
  for (const dir of Object.values(cgroups)) {
    for (let attempt = 0; ; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        // A process killed a moment ago leaves its cgroup only once the kernel has reaped it.
        if (code !== 'EBUSY' || attempt === 20) throw err;
        await sleep(50);
      }
    }
  }
}
