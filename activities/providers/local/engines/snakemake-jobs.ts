/**
 * Snakemake's jobs, read from its structured log (docs/design.md, "Tasks"): the messages its log
 * handler API hands to snakemake-log-handler.py, one JSON object a line, each stamped by Snakemake
 * with the time it was logged. A job is `job_info` (it starts: jobid, rule, wildcards, log files),
 * the `shellcmd` logged right after it, then `job_finished` or `job_error`. The fixtures in
 * test/fixtures/snakemake are its real output.
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
