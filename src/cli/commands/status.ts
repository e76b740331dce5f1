/** `status RUN_ID`: the run's state, what it runs, when, and what it made; when PAUSED, what it waits for. */
import type { Command } from 'commander';
import type { RunLog } from '../api-client';
import { commandLine } from '../command-line';
import { contextOf } from '../context';
import { formatTags, printJson } from '../output';
import { printOutputs } from '../outputs-view';
import { withExamples } from '../help';
import { formatLines, waitingLines, type Line } from '../waiting';

export function statusCommand(program: Command): void {
  const registered = program
    .command('status')
    .description("a run's state, request, times and outputs; for a PAUSED run, what it waits for and how to resume it")
    .argument('<run_id>')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const { api, json } = contextOf(command);
      const log = await api.json<RunLog>('GET', `/runs/${encodeURIComponent(runId)}`);
      if (json) {
        printJson(log);
        return;
      }
      const request = log.request;
      const lines: Array<[string, string | undefined]> = [
        ['run', log.run_id],
        ['state', log.state],
        ['workflow', request && `${request.workflow_url} (${request.workflow_type} ${request.workflow_type_version})`],
        ['tags', formatTags(request?.tags) || undefined],
        ['started', log.run_log?.start_time],
        ['ended', log.run_log?.end_time],
        ['exit code', log.run_log?.exit_code?.toString()],
        ['temporal', log.temporal_ui_url],
      ];
      for (const message of log.run_log?.system_logs ?? []) lines.push(['log', message]);
      const shown = lines.filter((line): line is Line => Boolean(line[1]));
      if (log.state === 'PAUSED') shown.push(...(await waitingLines(api, log, commandLine(api))));
      process.stdout.write(formatLines(shown));
      printOutputs(log.outputs ?? {});
    });
  withExamples(registered, [
    'status RUN_ID                          # state, workflow, times, outputs',
    'status RUN_ID --json | jq -r .state    # the WES state alone',
  ]);
}
