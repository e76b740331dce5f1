/**
 * Following a run to its end (`submit --wait`): its transitions give the state line, its stdout
 * and stderr streams the engine's output, all three from the API's live streams; at the end, the
 * run's outputs. The exit code says how the run ended. Each time the run enters PAUSED, what it
 * waits for and the command that resumes it; Ctrl-C says the run goes on.
 */
import { toWesState } from '../../domain/wes-state';
import type { RunLog, RunStatus, Transition } from './api-client';
import { commandLine } from './command-line';
import type { Context } from './context';
import { followStream } from './event-stream';
import { exitCodeOfState } from './exit-codes';
import { untilInterrupted } from './interrupt';
import { printJson } from './output';
import { printOutputs } from './outputs-view';
import { StateLine } from './state-line';
import { formatLines, waitingLines } from './waiting';

export async function waitForRun({ api, json }: Context, runId: string): Promise<number> {
  const run = `/runs/${encodeURIComponent(runId)}`;
  const cli = commandLine(api);
  // Scripts (--json) get the run log at the end and nothing on the way.
  const line = json ? undefined : new StateLine(runId);
  // One at a time, in order: what the run waits for is looked up as it enters PAUSED.
  let notes = Promise.resolve();
  const showWaiting = async (shown: StateLine): Promise<void> => {
    try {
      const log = await api.json<RunLog>('GET', run);
      if (log.state === 'PAUSED') shown.note(formatLines(await waitingLines(api, log, cli)));
    } catch (error) {
      shown.note(`(what the run waits for is not shown: ${error instanceof Error ? error.message : String(error)})\n`);
    }
  };
  try {
    return await untilInterrupted(
      runId,
      cli,
      async () => {
        line?.update((await api.json<RunStatus>('GET', `${run}/status`)).state ?? 'UNKNOWN');
        // The stream replays the run's past first: of the pauses in it, only one that lasts till now is shown.
        const { transitions: past } = await api.json<{ transitions: Transition[] }>('GET', `${run}/transitions`);
        const replayedUpTo = past.at(-1)?.seq ?? 0;
        const pausedSince = past.at(-1)?.to === 'awaiting_input' ? past.filter(entersPause).at(-1)?.seq : undefined;
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
          if (line && entersPause(transition) && (transition.seq > replayedUpTo || transition.seq === pausedSince))
            notes = notes.then(() => showWaiting(line));
        })) as { state: string };
        await Promise.all([...logs, notes]);
        const log = await api.json<RunLog>('GET', run);
        const state = log.state ?? end.state;
        line?.finish(state, state === 'COMPLETE');
        if (json) printJson(log);
        else {
          // Why it failed, in a line each: what follows a message's first line is the engine's stderr, shown above.
          if (state !== 'COMPLETE')
            for (const message of log.run_log?.system_logs ?? []) process.stderr.write(`${message.split('\n')[0]}\n`);
          printOutputs(log.outputs ?? {});
        }
        return exitCodeOfState(state);
      },
      () => line?.stop(),
    );
  } finally {
    line?.stop();
  }
}

/** Into PAUSED, not a `wait` logged again while it waits (a task's branches go on meanwhile). */
const entersPause = (transition: Transition): boolean => transition.to === 'awaiting_input' && transition.from !== 'awaiting_input';
