/** `transitions RUN_ID`: the run's state transitions, or followed as they happen to its end. */
import type { Command } from 'commander';
import type { Transition } from '../api-client';
import { commandLine } from '../command-line';
import { contextOf } from '../context';
import { followStream } from '../event-stream';
import { untilInterrupted } from '../interrupt';
import { printJson, printJsonLine, printTable } from '../output';

const HEADER = ['SEQ', 'AT', 'TYPE', 'FROM', 'TO', 'PAYLOAD'];

const row = (t: Transition): string[] => [
  String(t.seq),
  t.at,
  t.type,
  t.from,
  t.to,
  t.payload === undefined ? '' : JSON.stringify(t.payload),
];

export function transitionsCommand(program: Command): void {
  program
    .command('transitions')
    .description("the run's state transitions")
    .argument('<run_id>')
    .option('-f, --follow', 'go on printing new transitions until the run has ended')
    .action(async (runId: string, options: { follow?: boolean }, command: Command) => {
      const { api, json } = contextOf(command);
      const path = `/runs/${encodeURIComponent(runId)}/transitions`;
      if (!options.follow) {
        const { transitions } = await api.json<{ transitions: Transition[] }>('GET', path);
        if (json) printJson({ transitions });
        else printTable(HEADER, transitions.map(row));
        return;
      }
      // Each line as it comes: columns cannot be aligned ahead of what is to come.
      const end = await untilInterrupted(runId, commandLine(api), () =>
        followStream(api, `${path}?follow=true`, ({ data }) =>
          json
            ? printJsonLine(data)
            : process.stdout.write(
                `${row(data as Transition)
                  .join('  ')
                  .trimEnd()}\n`,
              ),
        ),
      );
      if (json) printJsonLine({ end });
      else process.stdout.write(`end: ${(end as { state: string }).state}\n`);
    });
}
