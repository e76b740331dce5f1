/**
 * Snakemake's jobs, read from its structured log (docs/design.md, "Tasks"): one JSON object a line,
 * each stamped by Snakemake with the time it was logged, written by snakemake-log-handler.py
 * (Snakemake 7's --log-handler-script) or by our logger plugin (Snakemake 9's --logger,
 * snakemake-logger-plugin-durable-wes/) in the same shape. A job is `job_info` (it starts: jobid,
 * rule, wildcards, output and log files), the `shellcmd` logged right after it, then `job_finished`
 * or `job_error`. The fixtures in test/fixtures/snakemake are the real output of both.
 */
import path from 'node:path';
import { z } from 'zod';
import type { TaskReport } from '../../provider';

/** What of a message is read; a message of another shape is not one of these. */
const snakemakeMessage = z.object({
  level: z.string(),
  /** Seconds since the epoch. */
  timestamp: z.number(),
  jobid: z.number().int().optional(),
  name: z.string().optional(),
  wildcards: z.record(z.string(), z.string()).optional(),
  output: z.array(z.string()).optional(),
  log: z.array(z.string()).optional(),
  msg: z.string().nullable().optional(),
  shellcmd: z.string().nullable().optional(),
});
type SnakemakeMessage = z.infer<typeof snakemakeMessage>;

/**
 * The jobs in `events` (the handler's file), in the order they started. `workingDir` is Snakemake's
 * --directory, against which a rule's log files are named.
 */
export function snakemakeJobs(events: string, workingDir: string): TaskReport[] {
  const jobs = new Map<number, TaskReport>();
  let previous: SnakemakeMessage | undefined;
  for (const message of messages(events)) {
    const at = new Date(message.timestamp * 1000).toISOString();
    const job = message.jobid === undefined ? undefined : jobs.get(message.jobid);
    const update = (report: TaskReport, change: Partial<TaskReport>): void => {
      Object.assign(report, change, { version: report.version + 1 });
    };
    switch (message.level) {
      case 'job_info': {
        if (message.jobid === undefined || job) break;
        const [log, ...more] = (message.log ?? []).map((file) => path.resolve(workingDir, file));
        jobs.set(message.jobid, {
          id: String(message.jobid),
          seq: jobs.size,
          version: 1,
          name: jobName(message),
          state: 'RUNNING',
          startTime: at,
          // Snakemake keeps no stdout and stderr of a job apart: its rule's log is where it writes both.
          ...(log ? { stdout: log, stderr: log } : {}),
          systemLogs: more.map((file) => `log: ${file}`),
        });
        break;
      }
      case 'shellcmd': {
        // Only Job.log_info's, which follows its job_info at once; a `shell()` in a run block logs others.
        const started = previous?.level === 'job_info' && previous.jobid !== undefined ? jobs.get(previous.jobid) : undefined;
        if (started && message.msg) update(started, { cmd: [message.msg] });
        break;
      }
      case 'job_finished':
        if (job) update(job, { state: 'COMPLETE', endTime: at });
        break;
      case 'job_error':
        if (job) {
          update(job, {
            state: 'EXECUTOR_ERROR',
            endTime: at,
            ...(job.cmd === undefined && message.shellcmd ? { cmd: [message.shellcmd] } : {}),
            systemLogs: [...job.systemLogs, ...(message.msg ? [message.msg] : [])],
          });
        }
        break;
    }
    previous = message;
  }
  return [...jobs.values()];
}

/**
 * The files the jobs produced, as Snakemake names them (relative to its working directory): the
 * outputs of those that finished, and the log files of every one that started, failed ones too.
 */
export function producedFiles(events: string): string[] {
  const started = new Map<number, SnakemakeMessage>();
  const files: string[] = [];
  for (const message of messages(events)) {
    if (message.jobid === undefined) continue;
    if (message.level === 'job_info' && !started.has(message.jobid)) {
      started.set(message.jobid, message);
      files.push(...(message.log ?? []));
    }
    if (message.level === 'job_finished') files.push(...(started.get(message.jobid)?.output ?? []));
  }
  return files;
}

/** The rule, with its wildcards as Snakemake prints them: `make (sample=a)`. */
function jobName({ name, wildcards }: SnakemakeMessage): string {
  const values = Object.entries(wildcards ?? {}).map(([key, value]) => `${key}=${value}`);
  return values.length > 0 ? `${String(name)} (${values.join(', ')})` : String(name);
}

/** Whole lines only: the last one may still be being written. */
function* messages(events: string): Generator<SnakemakeMessage> {
  const lines = events.split('\n');
  for (const line of lines.slice(0, -1)) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const message = snakemakeMessage.safeParse(json);
    if (message.success) yield message.data;
  }
}
