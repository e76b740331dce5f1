/**
 * `tasks RUN_ID [--follow]`: a task's steps, branches and child runs with their states, as a tree
 * (for a CWL or Snakemake run, its engine's jobs); `--follow` prints each change until the run has ended.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { commandLine } from '../command-line';
import { contextOf } from '../context';
import { followStream } from '../event-stream';
import { untilInterrupted } from '../interrupt';
import { withExamples } from '../help';
import { printJson, printJsonLine, printTable } from '../output';
import { kindOf, taskRows, taskTree, type TreeRow } from '../task-rows';

const HEADER = ['STEP', 'KIND', 'STATE', 'CHILD RUN', 'STARTED', 'ENDED'];

/** Rows are written apart from the transitions that trigger a look: a second look a moment later sees what came after. */
const SETTLE_MS = 500;
/** Steps that start log no transition: looked for this often too. */
const POLL_MS = 3_000;

const cells = ({ row, depth }: TreeRow): string[] => [
  `${'  '.repeat(depth)}${row.id}`,
  kindOf(row),
  row.state ?? '',
  row.child_run_id ?? '',
  row.start_time ?? '',
  row.end_time ?? '',
];

const asJson = ({ row, depth }: TreeRow) => ({ ...row, kind: kindOf(row), depth });

export function tasksCommand(program: Command): void {
  const registered = program
    .command('tasks')
    .description("a task's steps, branches and child runs with their states (a CWL or Snakemake run's jobs)")
    .argument('<run_id>')
    .option('-f, --follow', 'go on printing what changes until the run has ended')
    .action(async (runId: string, options: { follow?: boolean }, command: Command) => {
      const { api, json } = contextOf(command);
      if (!options.follow) {
        const tree = taskTree(await taskRows(api, runId));
        if (json) printJson({ tasks: tree.map(asJson) });
        else printTable(HEADER, tree.map(cells));
        return;
      }
      await untilInterrupted(runId, commandLine(api), () => followTasks(api, runId, json));
    });
  withExamples(registered, [
    "tasks RUN_ID                # a task's steps, branches and child runs, as a tree",
    'tasks RUN_ID --follow       # each new or changed row, until the run has ended',
  ]);
}

/** The rows as they are, then each row that is new or changed, one line (or JSON object) each, then the run's end. */
async function followTasks(api: ApiClient, runId: string, json: boolean): Promise<void> {
  const seen = new Map<string, string>();
  let first = true;
  const show = async (): Promise<void> => {
    const tree = taskTree(await taskRows(api, runId));
    const changed = tree.filter(({ row }) => {
      const now = JSON.stringify([row.state, row.child_run_id, row.end_time]);
      if (seen.get(row.id) === now) return false;
      seen.set(row.id, now);
      return true;
    });
    if (json) changed.forEach((entry) => printJsonLine(asJson(entry)));
    else if (first) printTable(HEADER, changed.map(cells));
    else for (const entry of changed) process.stdout.write(`${cells(entry).join('  ').trimEnd()}\n`);
    first = false;
  };
  // One look at a time, in order; a look that fails (the API restarting) is made again by the next, and only the last counts.
  let failure: unknown;
  const attempt = (): Promise<void> =>
    show().then(
      () => {
        failure = undefined;
      },
      (error: unknown) => {
        failure = error;
      },
    );
  let looks = attempt();
  const look = (): void => {
    looks = looks.then(attempt);
  };
  const poll = setInterval(look, POLL_MS);
  const settles = new Set<NodeJS.Timeout>();
  try {
    const end = (await followStream(api, `/runs/${encodeURIComponent(runId)}/transitions?follow=true`, () => {
      look();
      const settle = setTimeout(() => {
        settles.delete(settle);
        look();
      }, SETTLE_MS);
      settles.add(settle);
    })) as { state: string };
    look();
    await looks;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the last look threw goes on as it is
    if (failure !== undefined) throw failure;
    if (json) printJsonLine({ end });
    else process.stdout.write(`end: ${end.state}\n`);
  } finally {
    clearInterval(poll);
    settles.forEach(clearTimeout);
  }
}
