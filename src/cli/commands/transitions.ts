/** `transitions RUN_ID`: the run's state transitions with the WES state of each, or followed as they happen to its end. */
import type { Command } from 'commander';
import type { Transition } from '../api-client';
import { commandLine } from '../command-line';
import { contextOf } from '../context';
import { followStream } from '../event-stream';
import { untilInterrupted } from '../interrupt';
import { printJson, printJsonLine, printTable } from '../output';
import { withExamples } from '../help';

/** STATE: the execution states (docs/design.md); WES: the WES state the run showed after it, as the API derives it. */
const HEADER = ['SEQ', 'AT', 'TYPE', 'STATE', 'WES', 'PAYLOAD'];

const row = (t: Transition): string[] => [
  String(t.seq),
  t.at,
  t.type,
  `${t.from} → ${t.to}`,
  t.wes_state,
  t.payload === undefined ? '' : JSON.stringify(t.payload),
];

export function transitionsCommand(program: Command): void {
  const registered = program
    .command('transitions')
    .description("the run's state transitions, each with the WES state it led to")
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
  withExamples(registered, [
    'transitions RUN_ID            # each transition, with the WES state it led to',
    'transitions RUN_ID --follow   # and the new ones until the run ends',
  ]);
}
