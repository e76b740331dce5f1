/** A process's resident memory as the kernel counts it (VmRSS in /proc/<pid>/status). */
import { readFileSync, writeFileSync } from 'node:fs';
import { round } from './stats';
import { now } from './time';

/** A field of /proc/<pid>/status given in kB (VmRSS, VmHWM), in MiB. */
function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`/proc/${pid}/status has no ${field}`);
  return round(Number(line.split(/\s+/)[1]) / 1024);
}

export const rssMiB = (pid: number): number => statusMiB(pid, 'VmRSS');

/** As the issue asks: the peak of a burst is sampled every 100 ms, not only read once it is over. */
export const SAMPLE_MS = 100;

export interface PhasePeak {
  /** The highest of the readings taken every SAMPLE_MS while the phase ran. */
  peak: number;
  readings: number;
  seconds: number;
  /**
   * The kernel's own high-water mark over the phase (VmHWM, reset as it starts): what a reading
   * every 100 ms can miss. Absent where /proc/<pid>/clear_refs cannot be written (not root).
   */
  highWater?: number;
}

/** Resets VmHWM to the current RSS (`5` to clear_refs, Linux ≥ 4.0); false where not permitted. */
function resetHighWater(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads one process's RSS every SAMPLE_MS from start() to stop(): the peak of each phase, and a
 * timeline of the highest reading of each second for the chart.
 */
export class RssSampler {
  private readonly started = now();
  private timer?: NodeJS.Timeout;
  private phasePeak = 0;
  private phaseReadings = 0;
  /** Why a reading failed (the process is gone): the phase it fell in fails with it. */
  private failure?: Error;
  /** [seconds since start, highest MiB read in that second]. */
  readonly timeline: Array<[number, number]> = [];

  constructor(readonly pid: number) {}

  start(): void {
    this.timer = setInterval(() => {
      try {
        this.read();
      } catch (err) {
        this.failure = err as Error;
        this.stop();
      }
    }, SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private read(): number {
    const mib = rssMiB(this.pid);
    const second = Math.floor((now() - this.started) / 1000);
    const last = this.timeline.at(-1);
    if (last?.[0] === second) last[1] = Math.max(last[1], mib);
    else this.timeline.push([second, mib]);
    this.phasePeak = Math.max(this.phasePeak, mib);
    this.phaseReadings++;
    return mib;
  }

  /** Runs `work`, returning its value and the peak RSS read while it ran. */
  async during<T>(work: () => Promise<T>): Promise<{ value: T } & PhasePeak> {
    const highWater = resetHighWater(this.pid);
    const started = now();
    this.phasePeak = 0;
    this.phaseReadings = 0;
    this.read();
    const value = await work();
    if (this.failure) throw this.failure;
    this.read();
    return {
      value,
      peak: this.phasePeak,
      readings: this.phaseReadings,
      seconds: round((now() - started) / 1000),
      ...(highWater ? { highWater: statusMiB(this.pid, 'VmHWM') } : {}),
    };
  }
}
