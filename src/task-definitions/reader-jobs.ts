/**
 * The work of reading a task that runs in the reader's threads (./task-reader.ts), and what goes
 * between them: plain values, as worker threads copy them.
 */
import type { KeyPath } from '../../domain/key-path';
import type { TaskDefinition, WaitForInputStep } from '../../domain/task-definition';
import { bindParameters } from './bind-parameters';
import { gateInputProblem } from './gate-input';
import { parseTaskDefinition } from './parse-task-definition';
import { TaskDefinitionError } from './task-definition-error';

export type ReaderJob =
  | { kind: 'task'; text: string; source: string; workflowParams: Record<string, unknown> }
  | { kind: 'gate-input'; gate: WaitForInputStep; input: unknown };

export interface ReadTask {
  definition: TaskDefinition;
  params: Record<string, unknown>;
}

export type ReaderReply =
  { done: ReadTask | string | undefined } | { refused: { source: string; at: KeyPath; problem: string } } | { failed: string };

export function runJob(job: ReaderJob): ReaderReply {
  try {
    if (job.kind === 'gate-input') return { done: gateInputProblem(job.gate, job.input) };
    const definition = parseTaskDefinition(job.text, job.source);
    return { done: { definition, params: bindParameters(definition, job.workflowParams, job.source) } };
  } catch (error) {
    if (error instanceof TaskDefinitionError) return { refused: { source: error.source, at: error.at, problem: error.problem } };
    return { failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
