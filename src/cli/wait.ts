/**
 * Following a run to its end (`submit --wait`): its transitions give the state line, its stdout
 * and stderr streams the engine's output, all three from the API's live streams; at the end, the
 * run's outputs. The exit code says how the run ended.
 */
import { toWesState } from '../../domain/wes-state';
import type { RunLog, RunStatus, Transition } from './api-client';
import type { Context } from './context';
import { followStream } from './event-stream';
import { exitCodeOfState } from './exit-codes';
import { printJson } from './output';
import { printOutputs } from './outputs-view';
import { StateLine } from './state-line';

export async function waitForRun({ api, json }: Context, runId: string): Promise<number> {
  const run = `/runs/${encodeURIComponent(runId)}`;
  // Scripts (--json) get the run log at the end and nothing on the way.
  const line = json ? undefined : new StateLine(runId);
  try {
    line?.update((await api.json<RunStatus>('GET', `${run}/status`)).state ?? 'UNKNOWN');
    const logs = json
      ? []
      : (['stdout', 'stderr'] as const).map((stream) =>
          followStream(
            api,
            `${run}/logs/${stream}?follow=true`,
            ({ data }) => line?.output(stream, (data as { text: string }).text),
            (text) => line?.output(stream, text),
            // The engine's output is shown as a help: without it, the run is still followed to its end.
          ).catch((error: unknown) =>
            line?.output(stream, `(${stream} is not shown: ${error instanceof Error ? error.message : String(error)})\n`),
          ),
        );
    const end = (await followStream(api, `${run}/transitions?follow=true`, ({ data }) => {
      const transition = data as Transition;
      line?.update(toWesState({ state: transition.to, canceling: false, queued: transition.type === 'queue' }));
    })) as { state: string };
    await Promise.all(logs);
    const log = await api.json<RunLog>('GET', run);
    const state = log.state ?? end.state;
    line?.finish(state, state === 'COMPLETE');
    if (json) printJson(log);
    else {
      // Why it failed, in a line each: what follows a message's first line is the engine's stderr, shown above.
      if (state !== 'COMPLETE') for (const message of log.run_log?.system_logs ?? []) process.stderr.write(`${message.split('\n')[0]}\n`);
      printOutputs(log.outputs ?? {});
    }
    return exitCodeOfState(state);
  } finally {
    line?.stop();
  }
}
