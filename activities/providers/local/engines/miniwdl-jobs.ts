/**
 * miniwdl's jobs, read from its structured log (docs/design.md, "Tasks"): `workflow.log.json` in
 * its run directory, one JSON object a line with --log-json. Each call of a task, each scatter shard
 * apart (`call-tag-0-a`, `call-tag-1-b`), logs through its own logger, whose name (`source`) ends in
 * `.t:<call>`: `task setup` (with its dir) as it starts, `done` as it succeeds, `task ... failed`
 * (`error`: `CommandFailed` with its `exit_status`, `Terminated` when stopped) as it fails. A call of
 * a sub-workflow logs the same under its own `.w:<call>`: its calls' ids are `<call>.<call>`. Each call's dir holds its `command`,
 * `stdout.txt` and `stderr.txt`. The fixtures in test/fixtures/miniwdl are its real output.
 */
import path from 'node:path';
import { z } from 'zod';
import type { TaskReport } from '../../provider';

const logRecord = z.object({
  message: z.string(),
  source: z.string(),
  /** Seconds since the epoch. */
  timestamp: z.number(),
  dir: z.string().optional(),
  error: z.string().optional(),
  exit_status: z.number().int().optional(),
});

/** A task's logger: the workflow's (`wdl.w:<workflow>`), then sub-workflow calls, then the call. */
const TASK_SOURCE = /^wdl\.w:[^.]+((?:\.w:[^.]+)*)\.t:([^.]+)$/;

/** The calls in `log` (the run's workflow.log.json), in the order they were set up. `runDir` is miniwdl's run directory. */
export function miniwdlJobs(log: string, runDir: string): TaskReport[] {
  const jobs = new Map<string, TaskReport>();
  for (const line of log.split('\n')) {
    const record = parse(line);
    const source = record && TASK_SOURCE.exec(record.source);
    if (!record || !source) continue;
    // Sub-workflow calls first (`call-sub.call-x`): its dir is `call-sub/call-x` in the run directory.
    const calls = [...source[1].split('.w:').filter(Boolean), source[2]];
    const id = calls.join('.');
    const at = new Date(record.timestamp * 1000).toISOString();
    const job = jobs.get(id);
    const update = (change: Partial<TaskReport>): void => {
      if (job) Object.assign(job, change, { version: job.version + 1 });
    };
    if (record.message === 'task setup' && !job) {
      const dir = path.join(runDir, ...calls);
      jobs.set(id, {
        id,
        seq: jobs.size,
        version: 1,
        name: id,
        state: 'RUNNING',
        startTime: at,
        cmd: ['/bin/bash', path.join(dir, 'command')],
        stdout: path.join(dir, 'stdout.txt'),
        stderr: path.join(dir, 'stderr.txt'),
        systemLogs: [],
      });
    } else if (record.message === 'done') {
      update({ state: 'COMPLETE', endTime: at });
    } else if (/^task .* failed$/.test(record.message) && job) {
      const stopped = record.error === 'Terminated';
      update({
        state: stopped ? 'CANCELED' : 'EXECUTOR_ERROR',
        endTime: at,
        ...(record.exit_status === undefined ? {} : { exitCode: record.exit_status }),
        systemLogs: [...job.systemLogs, `${record.message}: ${record.error ?? 'error'}`],
      });
    }
  }
  return [...jobs.values()];
}

function parse(line: string): z.infer<typeof logRecord> | undefined {
  if (line.trim() === '') return undefined;
  try {
    const parsed = logRecord.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
