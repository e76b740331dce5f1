/**
 * The sandbox as the local provider uses it for one run: what its launch is wrapped in, whether it
 * waits for a slot (its owner's or the host's), which limit stopped it, and what is removed after it. What a launch
 * was given is recorded in its process dir (`sandbox.json`), so that a restarted worker, or one
 * configured otherwise since, reads a run's limits as they were.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { activityLog } from '../../../activity-log';
import type { LocalSettings, SandboxSettings } from '../settings';
import { readJsonIfExists, writeFileAtomic } from '../../../work-dir';
import { cgroupLimitReached, removeRunCgroups, type RunCgroups } from './cgroups';
import { sandboxCommand, type Bind } from './command';
import { closeEgress, openEgress } from './egress-proxies';
import { awaitedSlots, enterArgv, watcherLimitReached, type EngineSlots } from './enter';
import { sandboxHost } from './host';
import { formatSize } from '../../../byte-sizes';

const RECORD = 'sandbox.json';

interface Record {
  cgroups: RunCgroups;
  settings?: SandboxSettings;
}

export interface RunPaths {
  runId: string;
  /** Whose run it is (undefined with auth off: such runs count as one owner). */
  owner?: string;
  workDir: string;
  processDir: string;
  /** The data dir's: the host's engine slots are counted there. */
  dataDir: string;
  readOnly: string[];
  writable: string[];
  scratchDir: string;
}

export class RunSandbox {
  constructor(private readonly settings: LocalSettings) {}

  /** The argv that launches `cmd` for the run, and the most kept of each log stream (0: all). */
  async wrap(run: RunPaths, cmd: string[], programs: string[], extraBinds: Bind[] = []): Promise<{ argv: string[]; logBytes: number }> {
    const slots = await this.slots(run);
    await mkdir(run.processDir, { recursive: true });
    const sandbox = this.settings.sandbox;
    if (sandbox === 'off') {
      await writeFileAtomic(path.join(run.processDir, RECORD), JSON.stringify({ cgroups: {} } satisfies Record));
      return {
        argv: enterArgv({ processDir: run.processDir, slots, cgroups: [], watched: { dir: run.workDir, bytes: 0 }, wallSeconds: 0 }, cmd),
        logBytes: 0,
      };
    }
    const identity = await sandboxHost(sandbox.user);
    const roots = this.settings.workflowRoots;
    const made = await sandboxCommand(
      {
        runId: run.runId,
        workDir: run.workDir,
        processDir: run.processDir,
        readOnly: [...run.readOnly, ...roots],
        writable: run.writable,
        home: path.join(run.scratchDir, 'home'),
        tmpDir: run.scratchDir,
        programs,
        extraBinds,
        slots,
        settings: sandbox,
        identity,
      },
      cmd,
    );
    await writeFileAtomic(path.join(run.processDir, RECORD), JSON.stringify({ cgroups: made.cgroups, settings: sandbox } satisfies Record));
    return { argv: made.argv, logBytes: sandbox.logBytes };
  }

  /** Why a launched run is not running yet: it waits for a slot. */
  async queued(processDir: string): Promise<string | undefined> {
    switch (await awaitedSlots(processDir)) {
      case 'owner':
        return `waiting for a slot of its owner: this host runs at most ${String(this.settings.maxEnginesPerOwner)} engines of one owner at once`;
      case 'host':
        return `waiting for an engine slot: this host runs at most ${this.settings.maxEngines} engines at once`;
      default:
        return undefined;
    }
  }

  /** The limit that stopped the run, in words (`memory limit of 8 GiB reached`); undefined when none did. */
  async limitReached(processDir: string): Promise<string | undefined> {
    const record = await readJsonIfExists<Record>(path.join(processDir, RECORD));
    const settings = record?.settings;
    if (!settings) return undefined;
    const watched = await watcherLimitReached(processDir);
    if (watched === 'disk') return `disk limit of ${formatSize(settings.disk)} reached`;
    if (watched === 'wall') return `wall time limit of ${String(settings.wallTimeSeconds)} seconds reached`;
    return cgroupLimitReached(record.cgroups, settings);
  }

  /**
   * The slot dirs of the data dir: the host's, and one per owner named by a digest of the owner
   * (any string) when owners have a cap. The files in them are what the engines' shells lock.
   */
  private async slots(run: RunPaths): Promise<EngineSlots> {
    const dir = path.join(run.dataDir, 'engine-slots');
    const perOwner = this.settings.maxEnginesPerOwner;
    const owner =
      perOwner === undefined
        ? undefined
        : {
            dir: path.join(
              dir,
              'owners',
              createHash('sha256')
                .update(run.owner ?? '')
                .digest('hex')
                .slice(0, 32),
            ),
            count: perOwner,
          };
    await mkdir(owner ? owner.dir : dir, { recursive: true });
    return { dir, count: this.settings.maxEngines, ...(owner ? { owner } : {}) };
  }

  /** A running run's egress proxy, opened again by a worker that restarted since the launch. */
  async attach(runId: string, processDir: string): Promise<void> {
    const settings = (await readJsonIfExists<Record>(path.join(processDir, RECORD)))?.settings;
    if (settings?.egress) await openEgress({ runId, processDir }, settings, await sandboxHost(settings.user), activityLog());
  }

  /** Removes the run's cgroups once nothing of it runs, and closes its egress proxy. */
  async release(processDir: string): Promise<void> {
    await closeEgress(processDir);
    const record = await readJsonIfExists<Record>(path.join(processDir, RECORD));
    if (record) await removeRunCgroups(record.cgroups);
  }
}
