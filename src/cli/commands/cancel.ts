/** `cancel RUN_ID`: asks the run to stop (Temporal's cancel); it goes CANCELING, then CANCELED. */
import type { Command } from 'commander';
import { contextOf } from '../context';
import { printJson } from '../output';
import { withExamples } from '../help';

export function cancelCommand(program: Command): void {
  const registered = program
    .command('cancel')
    .description('cancel a run')
    .argument('<run_id>')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const { api, json } = contextOf(command);
      const answer = await api.json<{ run_id: string }>('POST', `/runs/${encodeURIComponent(runId)}/cancel`);
      if (json) printJson(answer);
      else process.stdout.write(`${answer.run_id}: cancel requested\n`);
    });
  withExamples(registered, [
    'cancel RUN_ID                 # it goes CANCELING, then CANCELED',
    'cancel RUN_ID --json          # {"run_id": ...}',
  ]);
}
