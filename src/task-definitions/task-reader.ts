/**
 * Reads task definitions, and checks inputs against gates' schemas, off the API's event loop
 * (docs/tasks.md, "Limits"): within the limits, a definition of 64 KiB of schemas and expressions
 * takes about half a second to read, which on the event loop would hold every other request as
 * long. Jobs go to a few worker threads, in the order they came, at most `maxQueued` waiting. A
 * job past its time limit, or past a thread's memory, is refused, and its thread, which cannot be
 * interrupted, is terminated; another starts for the next job.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WaitForInputStep } from '../../domain/task-definition';
import type { ReaderJob, ReaderReply, ReadTask } from './reader-jobs';
import { TaskDefinitionError } from './task-definition-error';

export interface TaskReaderOptions {
  threads: number;
  /** Jobs waiting for a thread; past them, a job is refused at once (ReaderBusyError). */
  maxQueued: number;
  /**
   * The CPU time of one job in its thread: what the definition costs, whatever else the machine
   * runs (a wall-clock limit refused valid definitions on a loaded machine). A job also stops past
   * WALL_LIMIT_FACTOR times this in wall time, should its thread get no CPU at all.
   */
  timeLimitMs: number;
  /** The heap of one thread. */
  maxHeapMb: number;
}

/**
 * The slowest definitions within the limits (64 KiB of parameter schemas with patterns and defaults)
 * took 1.5 to 2 s in a thread on a loaded 2-core machine, and 3 s in a thread just started: the time
 * limit leaves them room, and stops what the limits did not foresee.
 */
export const TASK_READER_DEFAULTS: TaskReaderOptions = {
  threads: Math.min(2, availableParallelism()),
  maxQueued: 64,
  timeLimitMs: 10_000,
  maxHeapMb: 256,
};

/** A thread that does not load within this is a broken installation, not a costly job. */
const LOAD_TIMEOUT_MS = 30_000;
/** How often a job's CPU time is read. */
const CPU_CHECK_MS = 100;
const WALL_LIMIT_FACTOR = 10;

export class ReaderBusyError extends Error {}

type Outcome = ReaderReply | { timedOut: true } | { crashed: Error };

export class TaskReader {
  private readonly threads: Array<ReaderThread | undefined> = [];
  private readonly busy: boolean[] = [];
  private readonly queue: Array<{ job: ReaderJob; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly options: TaskReaderOptions = TASK_READER_DEFAULTS) {}

  /** The definition and the run's parameters bound to it; a TaskDefinitionError names what is wrong. */
  async readTask(text: string, source: string, workflowParams: Record<string, unknown>): Promise<ReadTask> {
    const outcome = await this.run({ kind: 'task', text, source, workflowParams });
    if ('done' in outcome) return outcome.done as ReadTask;
    if ('refused' in outcome) throw new TaskDefinitionError(source, outcome.refused.at, outcome.refused.problem);
    const excess = this.excess(outcome);
    if (excess) throw new TaskDefinitionError(source, [], `took ${excess} to read: a definition this costly is refused`);
    throw failure(outcome);
  }

  /** Why `gate` refuses `input` (./gate-input.ts); undefined when it takes it. */
  async gateInputProblem(gate: WaitForInputStep, input: unknown): Promise<string | undefined> {
    const outcome = await this.run({ kind: 'gate-input', gate, input });
    if ('done' in outcome) return outcome.done as string | undefined;
    const excess = this.excess(outcome);
    if (excess) return `${gate.id}: the input took ${excess} to check against the gate's schema`;
    throw failure(outcome);
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.flatMap((thread) => (thread ? [thread.terminate()] : [])));
  }

  /** What a job that did not finish cost, when that is why: the submitter's doing, not the service's. */
  private excess(outcome: Outcome): string | undefined {
    if ('timedOut' in outcome) return `longer than ${this.options.timeLimitMs / 1000} s of CPU`;
    if ('crashed' in outcome && (outcome.crashed as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
      return `more than ${this.options.maxHeapMb} MB of memory`;
    return undefined;
  }

  private run(job: ReaderJob): Promise<Outcome> {
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new ReaderBusyError(`${this.queue.length} task definitions wait to be read: try again in a moment`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (let index = 0; index < this.options.threads && this.queue.length > 0; index++) {
      if (this.busy[index]) continue;
      const next = this.queue.shift();
      if (!next) break;
      const { job, resolve, reject } = next;
      this.busy[index] = true;
      this.runOn(index, job)
        .then(resolve, reject)
        .finally(() => {
          this.busy[index] = false;
          this.dispatch();
        });
    }
  }

  private async runOn(index: number, job: ReaderJob): Promise<Outcome> {
    const thread = (this.threads[index] ??= new ReaderThread(this.options.maxHeapMb));
    let outcome: Outcome;
    try {
      outcome = await thread.run(job, this.options.timeLimitMs);
    } catch (error) {
      outcome = { crashed: error as Error };
    }
    if ('timedOut' in outcome || 'crashed' in outcome) {
      if (this.threads[index] === thread) this.threads[index] = undefined;
      await thread.terminate();
    }
    return outcome;
  }
}

function failure(outcome: Outcome): Error {
  if ('crashed' in outcome) return outcome.crashed;
  if ('failed' in outcome) return new Error(outcome.failed);
  if ('refused' in outcome) return new Error(outcome.refused.problem);
  return new Error(`the task reader answered ${JSON.stringify(outcome)}`);
}

/** One worker thread, one job at a time. */
class ReaderThread {
  private readonly worker: Worker;
  private readonly loaded: Promise<void>;
  private answer?: (outcome: Outcome) => void;

  constructor(maxHeapMb: number) {
    this.worker = startThread(maxHeapMb);
    // Idle threads keep no process alive.
    this.worker.unref();
    let loaded!: () => void;
    let broken!: (error: Error) => void;
    this.loaded = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      broken = reject;
    });
    // Awaited by every job; a thread that fails to load fails its first one.
    this.loaded.catch(() => undefined);
    const loadTimer = setTimeout(
      () => broken(new Error(`the task reader's thread did not load within ${LOAD_TIMEOUT_MS / 1000} s`)),
      LOAD_TIMEOUT_MS,
    );
    loadTimer.unref();
    this.worker.on('message', (message: 'ready' | ReaderReply) => {
      if (message !== 'ready') return this.answer?.(message);
      clearTimeout(loadTimer);
      loaded();
    });
    // Whatever the thread threw, which need not be an Error.
    this.worker.on('error', (thrown: unknown) => {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      broken(error);
      this.answer?.({ crashed: error });
    });
    this.worker.on('exit', (code) => {
      const error = new Error(`the task reader's thread exited (${code})`);
      broken(error);
      this.answer?.({ crashed: error });
    });
  }

  async run(job: ReaderJob, timeLimitMs: number): Promise<Outcome> {
    await this.loaded;
    const before = await this.cpuMs();
    return new Promise<Outcome>((resolve) => {
      const check = setInterval(() => {
        this.cpuMs().then(
          (now) => now - before > timeLimitMs && finish({ timedOut: true }),
          // The thread has exited: its 'exit' answers the job.
          () => undefined,
        );
      }, CPU_CHECK_MS);
      const backstop = setTimeout(() => finish({ timedOut: true }), timeLimitMs * WALL_LIMIT_FACTOR);
      const finish = (outcome: Outcome) => {
        clearInterval(check);
        clearTimeout(backstop);
        if (this.answer !== finish) return;
        this.answer = undefined;
        resolve(outcome);
      };
      this.answer = finish;
      this.worker.postMessage(job);
    });
  }

  /** The thread's CPU time so far, user and system. */
  private async cpuMs(): Promise<number> {
    const { user, system } = await this.worker.cpuUsage();
    return (user + system) / 1000;
  }

  async terminate(): Promise<void> {
    this.answer = undefined;
    await this.worker.terminate();
  }
}

/**
 * The thread runs ./reader-thread, built (dist/, .js) or, where the API itself runs from its
 * TypeScript sources (ts-node, jest), compiled as it loads, as its parent's are.
 */
function startThread(maxHeapMb: number): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `reader-thread${extension}`);
  const options = { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } };
  if (extension !== '.ts') return new Worker(entry, options);
  const code = `require('ts-node').register({ transpileOnly: true, projectSearchDir: ${JSON.stringify(__dirname)} }); require(${JSON.stringify(entry)});`;
  return new Worker(code, { ...options, eval: true });
}
