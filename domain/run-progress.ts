/**
 * A run's current details in the Temporal Web UI (docs/design.md, "A run's story in the Temporal
 * UI"): its WES state and what it does or waits for now, the first line the headline. Pure: the run
 * and task workflows set them (setCurrentDetails, which records nothing in history) whenever an
 * activation changed what they would say.
 */
import type { TaskRow } from './run-rows';
import { isTerminalWesState, type WesState } from './wes-state';

export interface RunProgress {
  runId: string;
  wesState: WesState;
  /** Where it runs: the provider, with its engine where known (`local/cwltool 3.3`). */
  at?: string;
  /** The run's id at its provider. */
  externalId?: string;
  /** The provider's state last seen, and whether the provider answered. */
  providerState?: string;
  unreachable?: boolean;
  /** What a PAUSED run waits for: its approval gate, or input its provider asked for. */
  waitsFor?: 'approval' | 'input';
  error?: string;
  outputs?: number;
}

export interface TaskProgress {
  runId: string;
  wesState: WesState;
  /** Its steps' and branches' rows. */
  rows: readonly TaskRow[];
  /** The gates that wait for input, oldest first: the next resume goes to the first. */
  gates: ReadonlyArray<{ stepId: string; prompt: string }>;
  error?: string;
}

const ERROR_CHARS = 300;

export function runProgress(run: RunProgress): string {
  const at = run.at ?? 'its provider';
  const lines = [headline(run, at)];
  if (run.externalId) lines.push(`- at ${at} as run \`${run.externalId}\``);
  if (run.providerState && !isTerminalWesState(run.wesState)) {
    lines.push(`- the provider says ${run.providerState}${run.unreachable ? '; unreachable now, still polling' : ''}`);
  }
  return lines.join('\n');
}

export function taskProgress(task: TaskProgress): string {
  const going = task.rows.filter((row) => row.endTime === undefined);
  const lines = [taskHeadline(task, going)];
  for (const row of going) {
    const child = row.childRunId ? `, run \`${row.childRunId}\`` : '';
    lines.push(`- ${row.parentTaskId ? `${row.parentTaskId} › ` : ''}${row.name}: ${row.state}${child}`);
  }
  return lines.join('\n');
}

function headline(run: RunProgress, at: string): string {
  switch (run.wesState) {
    case 'QUEUED':
      return run.providerState === 'QUEUED' ? `QUEUED at ${at}` : 'QUEUED: its provider is being chosen';
    case 'INITIALIZING':
      return `INITIALIZING: being prepared at ${at}`;
    case 'RUNNING':
      return `RUNNING at ${at}`;
    case 'PAUSED': {
      const what = run.waitsFor === 'approval' ? 'approval' : `input ${at} asked for`;
      return `PAUSED: waiting for ${what}; resume with ${resumeCommand(run.runId)}`;
    }
    case 'CANCELING':
      return `CANCELING: the cancel went to ${at}, which confirms it`;
    case 'PREEMPTED':
      return `PREEMPTED at ${at}: it will be retried there`;
    case 'COMPLETE':
      return `COMPLETE: ${run.outputs ?? 0} output${run.outputs === 1 ? '' : 's'}`;
    default:
      return ended(run.wesState, run.error);
  }
}

function taskHeadline(task: TaskProgress, going: readonly TaskRow[]): string {
  const gate = task.gates.at(0);
  if (task.wesState === 'PAUSED' && gate) {
    return `PAUSED: step ${gate.stepId} waits for input (${clip(gate.prompt)}); resume with ${resumeCommand(task.runId)}`;
  }
  if (task.wesState === 'RUNNING' || task.wesState === 'CANCELING') {
    const innermost = going.filter((row) => !going.some((other) => other.parentTaskId === row.taskId));
    const at = innermost.map((row) => row.name).join(', ');
    return `${task.wesState}${at ? `: at ${at}` : ''}`;
  }
  if (task.wesState === 'COMPLETE') return `COMPLETE: ${task.rows.filter((row) => row.parentTaskId === undefined).length} steps`;
  return ended(task.wesState, task.error);
}

function ended(state: WesState, error: string | undefined): string {
  return error ? `${state}: ${clip(error)}` : state;
}

function resumeCommand(runId: string): string {
  return `\`durable-wes resume ${runId} --input …\``;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > ERROR_CHARS ? `${line.slice(0, ERROR_CHARS - 1)}…` : line;
}
