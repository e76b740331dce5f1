/**
 * cwltool's jobs, read from its log (docs/design.md, "Tasks"). cwltool (3.1 and 3.3 alike, test/fixtures/cwltool) has no
 * provenance to ask instead, so its log is its structured report: with --timestamps each record
 * begins `[YYYY-MM-DD HH:MM:SS] LEVEL `, and a job's records begin `[job NAME] `. Of those, only
 * the documented ones are read: the command line (`OUTDIR$ ARGS [< stdin] [> stdout] [2> stderr]`,
 * stdout and stderr kept in --log-dir), `exited with status: N`, `was terminated by signal: SIG`,
 * `Job error:` and `completed STATUS`. A scatter's jobs are named apart (`step`, `step_2`, ...).
 * The fixtures in test/fixtures/cwltool are its real output.
 */
import path from 'node:path';
import type { TaskReport } from '../../provider';

const RECORD = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\] (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \[job ([^\]]+)\] /;
const COMMAND = /^(\/[^\n$]*)\$ ([\s\S]*)$/;
const COMPLETED = /^completed (\w+)$/;
const EXITED = /^exited with status: (\d+)$/;
const SIGNALLED = /^was terminated by signal: (\w+)$/;
const JOB_ERROR = 'Job error:';
/** How cwltool joins the arguments of the command line it logs. */
const ARGUMENT_SEPARATOR = ' \\\n    ';

/**
 * The jobs in `log` (cwltool's stderr), in the order they first appear. `logDir` is the --log-dir
 * it was given: where the command line's redirections point.
 */
export function cwltoolJobs(log: string, logDir: string): TaskReport[] {
  const jobs = new Map<string, TaskReport>();
  for (const record of records(log)) {
    const match = RECORD.exec(record);
    if (!match) continue;
    const [prefix, date, time, name] = match;
    const message = record.slice(prefix.length);
    // Local time: cwltool writes its host's, and it runs on this one (it inherits our TZ).
    const at = new Date(`${date}T${time}`).toISOString();
    let job = jobs.get(name);
    const update = (change: Partial<TaskReport>): void => {
      job ??= { id: name, seq: jobs.size, version: 0, name, state: 'RUNNING', startTime: at, systemLogs: [] };
      Object.assign(job, change, { version: job.version + 1 });
      jobs.set(name, job);
    };
    const command = COMMAND.exec(message);
    const completed = COMPLETED.exec(message);
    const exited = EXITED.exec(message);
    const signalled = SIGNALLED.exec(message);
    if (command) update(commandLine(command[2], path.join(logDir, name)));
    else if (completed) update({ state: completed[1] === 'success' ? 'COMPLETE' : 'EXECUTOR_ERROR', endTime: at });
    else if (exited) update({ exitCode: Number(exited[1]) });
    else if (signalled) update({ systemLogs: [...(job?.systemLogs ?? []), `terminated by signal ${signalled[1]}`] });
    else if (message.startsWith(JOB_ERROR)) update({ systemLogs: [...(job?.systemLogs ?? []), message] });
  }
  return [...jobs.values()];
}

/** The log's records: a line with a timestamp, and the lines that follow it without one. */
function records(log: string): string[] {
  const found: string[] = [];
  for (const line of log.split('\n')) {
    if (/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /.test(line) || found.length === 0) found.push(line);
    else found[found.length - 1] += `\n${line}`;
  }
  return found;
}

/** The arguments, and the files stdout and stderr went to (under the job's log dir `base`). */
function commandLine(text: string, base: string): Pick<TaskReport, 'cmd' | 'stdout' | 'stderr'> {
  let rest = text;
  const redirection = (operator: string, under: string): string | undefined => {
    const at = rest.lastIndexOf(` ${operator} ${under}`);
    if (at < 0) return undefined;
    const target = rest.slice(at + operator.length + 2);
    rest = rest.slice(0, at);
    return target;
  };
  // Written in the order stdin, stdout, stderr: taken off from the end.
  const stderr = redirection('2>', `${base}${path.sep}`);
  const stdout = redirection('>', `${base}${path.sep}`);
  redirection('<', path.sep);
  return { cmd: rest.split(ARGUMENT_SEPARATOR).map(unquote), ...(stdout ? { stdout } : {}), ...(stderr ? { stderr } : {}) };
}

/** Undoes the quoting cwltool's shellescape.quote does to an argument that needs it. */
function unquote(argument: string): string {
  return /^'[\s\S]*'$/.test(argument) ? argument.slice(1, -1).replace(/'"'"'/g, "'") : argument;
}
