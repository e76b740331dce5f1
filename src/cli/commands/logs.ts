/**
 * `logs RUN_ID`: the engine's stdout (or stderr), as it is now or followed to the run's end; for a
 * task, each child run's, under a header naming its step.
 */
import type { Command } from 'commander';
import type { ApiClient, RunLog } from '../api-client';
import { commandLine } from '../command-line';
import { contextOf } from '../context';
import { followStream } from '../event-stream';
import { untilInterrupted } from '../interrupt';
import { printJson, printJsonLine } from '../output';
import { withExamples } from '../help';
import { followTaskLogs, taskLogs, type ChildLog } from '../task-logs';
import { isTask } from '../task-rows';

interface LogsOptions {
  stderr?: boolean;
  follow?: boolean;
}

export function logsCommand(program: Command): void {
  const registered = program
    .command('logs')
    .description("the run's stdout, or stderr; for a task, its child runs', each under its step's name")
    .argument('<run_id>')
    .option('-e, --stderr', 'stderr instead of stdout')
    .option('-f, --follow', 'go on printing what the engine writes until the run has ended')
    .action(async (runId: string, options: LogsOptions, command: Command) => {
      const { api, json } = contextOf(command);
      const stream = options.stderr ? 'stderr' : 'stdout';
      const log = await api.json<RunLog>('GET', `/runs/${encodeURIComponent(runId)}`);
      if (isTask(log)) {
        if (options.follow) await untilInterrupted(runId, commandLine(api), () => followTask(api, runId, stream, json));
        else printTaskLogs(await taskLogs(api, runId, stream), json);
        return;
      }
      const path = `/runs/${encodeURIComponent(runId)}/logs/${stream}`;
      if (!options.follow) {
        const text = await (await api.fetch(path)).text();
        if (json) printJson({ text });
        else process.stdout.write(text);
        return;
      }
      // --json: one line per chunk, then the end with the run's state.
      const print = (text: string) => (json ? printJsonLine({ text }) : process.stdout.write(text));
      const end = await untilInterrupted(runId, commandLine(api), () =>
        followStream(api, `${path}?follow=true`, ({ data }) => print((data as { text: string }).text), print),
      );
      if (json && end !== undefined) printJsonLine({ end });
    });
  withExamples(registered, [
    "logs RUN_ID                   # the engine's stdout so far",
    'logs RUN_ID --stderr --follow  # its stderr, until the run ends',
  ]);
}

const header = (child: ChildLog): string => `==> ${child.step} (${child.run_id}) <==\n`;

function printTaskLogs(logs: ChildLog[], json: boolean): void {
  if (json) {
    printJson({ steps: logs });
    return;
  }
  logs.forEach((child, index) => {
    process.stdout.write(`${index > 0 ? '\n' : ''}${header(child)}${child.text}`);
    if (child.text !== '' && !child.text.endsWith('\n')) process.stdout.write('\n');
  });
}

/** --json: a line per chunk, naming its step and run, then the task's end. */
async function followTask(api: ApiClient, runId: string, stream: string, json: boolean): Promise<void> {
  let first = true;
  let lastChar = '\n';
  const state = await followTaskLogs(
    api,
    runId,
    stream,
    (child) => {
      if (json) return;
      // A header on a line of its own, a blank line before all but the first.
      process.stdout.write(`${lastChar === '\n' ? '' : '\n'}${first ? '' : '\n'}${header(child)}`);
      first = false;
      lastChar = '\n';
    },
    (child, text) => {
      if (json) printJsonLine({ step: child.step, run_id: child.run_id, text });
      else if (text !== '') {
        process.stdout.write(text);
        lastChar = text.at(-1) ?? lastChar;
      }
    },
  );
  if (json) printJsonLine({ end: { state } });
}
