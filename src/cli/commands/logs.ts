/** `logs RUN_ID`: the engine's stdout (or stderr), as it is now or followed to the run's end. */
import type { Command } from 'commander';
import { contextOf } from '../context';
import { followStream } from '../event-stream';
import { printJson, printJsonLine } from '../output';
import { withExamples } from '../help';

interface LogsOptions {
  stderr?: boolean;
  follow?: boolean;
}

export function logsCommand(program: Command): void {
  const registered = program
    .command('logs')
    .description("the run's stdout, or stderr")
    .argument('<run_id>')
    .option('-e, --stderr', 'stderr instead of stdout')
    .option('-f, --follow', 'go on printing what the engine writes until the run has ended')
    .action(async (runId: string, options: LogsOptions, command: Command) => {
      const { api, json } = contextOf(command);
      const path = `/runs/${encodeURIComponent(runId)}/logs/${options.stderr ? 'stderr' : 'stdout'}`;
      if (!options.follow) {
        const text = await (await api.fetch(path)).text();
        if (json) printJson({ text });
        else process.stdout.write(text);
        return;
      }
      // --json: one line per chunk, then the end with the run's state.
      const print = (text: string) => (json ? printJsonLine({ text }) : process.stdout.write(text));
      const end = await followStream(api, `${path}?follow=true`, ({ data }) => print((data as { text: string }).text), print);
      if (json && end !== undefined) printJsonLine({ end });
    });
  withExamples(registered, [
    "logs RUN_ID                   # the engine's stdout so far",
    'logs RUN_ID --stderr --follow  # its stderr, until the run ends',
  ]);
}
