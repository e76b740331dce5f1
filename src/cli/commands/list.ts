/** `list`: runs, newest first, filtered by state and tags; one page, or every page (`--all`). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunListResponse, RunSummary } from '../api-client';
import { contextOf } from '../context';
import { CliError, EXIT } from '../exit-codes';
import { splitKeyValue, TAG_SEPARATORS } from '../key-value';
import { formatTags, printJson, printTable } from '../output';
import { withExamples } from '../help';

interface ListOptions {
  state?: string;
  tag: Array<[string, string]>;
  pageSize?: number;
  pageToken?: string;
  all?: boolean;
}

const positiveInteger = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
};

export function listCommand(program: Command): void {
  const registered = program
    .command('list')
    .description('runs, newest first')
    .option('-s, --state <states>', 'only runs in these states, comma-separated (e.g. RUNNING,PAUSED)')
    .addOption(
      new Option('--tag <key=value>', 'only runs with this tag (key=value or key:value); repeatable')
        .argParser((text: string, previous: Array<[string, string]>) => [...previous, splitKeyValue(text, TAG_SEPARATORS)])
        .default([]),
    )
    .addOption(new Option('--page-size <n>', 'runs per page').argParser(positiveInteger))
    .option('--page-token <token>', 'the page after the one that gave this token')
    .option('-a, --all', 'every page')
    .action(async (options: ListOptions, command: Command) => {
      const { api, json } = contextOf(command);
      if (options.all && options.pageToken !== undefined) throw new CliError('--all and --page-token exclude each other', EXIT.usage);
      const query = new URLSearchParams();
      if (options.state !== undefined) query.set('state', options.state.toUpperCase());
      // The API's form is key:value (WES spec PR 213).
      for (const [key, value] of options.tag) query.append('tag', `${key}:${value}`);
      if (options.pageSize !== undefined) query.set('page_size', String(options.pageSize));
      let page = await api.json<RunListResponse>('GET', `/runs?${withToken(query, options.pageToken).toString()}`);
      const runs: RunSummary[] = [...(page.runs ?? [])];
      while (options.all && page.next_page_token) {
        page = await api.json<RunListResponse>('GET', `/runs?${withToken(query, page.next_page_token).toString()}`);
        runs.push(...(page.runs ?? []));
      }
      if (json) {
        printJson({ ...page, runs });
        return;
      }
      printTable(
        ['RUN ID', 'STATE', 'STARTED', 'ENDED', 'TAGS'],
        runs.map((run) => [run.run_id, run.state ?? '', run.start_time ?? '', run.end_time ?? '', formatTags(run.tags)]),
      );
      if (page.next_page_token) process.stderr.write(`more: --page-token ${page.next_page_token}\n`);
    });
  withExamples(registered, [
    'list                                  # the newest runs',
    'list --state RUNNING,PAUSED --all      # every run that goes on or waits',
    'list --tag project=x --tag src:http://x  # a tag as key=value or key:value',
  ]);
}

function withToken(query: URLSearchParams, token: string | undefined): URLSearchParams {
  const copy = new URLSearchParams(query);
  if (token !== undefined) copy.set('page_token', token);
  return copy;
}
