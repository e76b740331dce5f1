/**
 * What a PAUSED run waits for, and the command that resumes it (README "CLI"): a task's waiting
 * gates with their prompts and input schemas, a run held for approval, or a run its provider
 * paused. `status` prints these lines; `submit --wait` prints them when the run enters PAUSED.
 */
import type { ApiClient, RunLog, Transition } from './api-client';
import type { CommandLine } from './command-line';
import { exampleInput, inlineJson, schemaSummary } from './input-schema';
import { isTask, kindOf, promptOf, taskRows, type TaskRow } from './task-rows';

/** A label and its value, as `status` aligns them. */
export type Line = [label: string, value: string];

const APPROVAL_TAG = 'wes_require_approval';

/** The task's rows are written apart from its state: a gate may show a moment after the task shows PAUSED. */
const GATE_TRIES = 10;
const GATE_RETRY_MS = 300;

export async function waitingLines(api: ApiClient, log: RunLog, cli: CommandLine): Promise<Line[]> {
  const runId = log.run_id ?? '';
  if (isTask(log)) return gateLines(await waitingGates(api, runId), runId, cli);
  const resume: Line = ['resume', cli('resume', runId, '--input', '{}')];
  if (await heldForApproval(api, log))
    return [['waits for', 'approval (--require-approval): resuming starts it, the input merged over its workflow_params'], resume];
  return [['waits for', 'its provider paused it; resuming passes the input on to the provider'], resume];
}

/** Oldest first: a resume goes to the gate that began waiting first (docs/tasks.md). */
async function waitingGates(api: ApiClient, runId: string): Promise<TaskRow[]> {
  for (let tries = 1; ; tries++) {
    const gates = (await taskRows(api, runId))
      .filter((row) => kindOf(row) === 'wait_for_input' && row.state === 'PAUSED')
      .sort((a, b) => (a.start_time ?? '').localeCompare(b.start_time ?? ''));
    if (gates.length > 0 || tries === GATE_TRIES) return gates;
    await new Promise((resolve) => setTimeout(resolve, GATE_RETRY_MS));
  }
}

function gateLines(gates: TaskRow[], runId: string, cli: CommandLine): Line[] {
  if (gates.length === 0) return [['waits for', `input: its gates are not listed yet (${cli('tasks', runId)})`]];
  const [first] = gates;
  const lines: Line[] = [];
  for (const gate of gates) {
    lines.push(['waits for', `${gate.id}: ${promptOf(gate) ?? '(no prompt)'}`]);
    if (gate.input_schema !== undefined) lines.push(['input', schemaSummary(gate.input_schema)]);
  }
  // Without its schema (a server before the field), the input can only be named.
  const input = first.input_schema === undefined ? '<a JSON or YAML object>' : inlineJson(exampleInput(first.input_schema));
  lines.push(['resume', cli('resume', runId, '--input', input)]);
  if (gates.length > 1) lines.push(['', `(a resume goes to ${first.id}, which began waiting first)`]);
  return lines;
}

/** Held by --require-approval: the tag, or the form field the CLI sends, which leaves its mark on the `wait` transition. */
async function heldForApproval(api: ApiClient, log: RunLog): Promise<boolean> {
  if (log.request?.tags?.[APPROVAL_TAG] === 'true') return true;
  const { transitions } = await api.json<{ transitions: Transition[] }>('GET', `/runs/${encodeURIComponent(log.run_id ?? '')}/transitions`);
  const waits = transitions.filter((transition) => transition.type === 'wait');
  return waits.at(-1)?.payload?.reason === 'approval required';
}

/** Lines as `status` prints them: labels in a column. */
export function formatLines(lines: Line[]): string {
  return lines.map(([label, value]) => `${(label ? `${label}:` : '').padEnd(11)}${value}\n`).join('');
}
