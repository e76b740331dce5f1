/**
 * The `wait_for_input` steps that are waiting, oldest first: a resume input goes to the oldest, and
 * must satisfy its schema. The schema is checked by @cfworker/json-schema, which interprets schemas
 * without generating code, as the workflow sandbox asks.
 */
import { Validator } from '@cfworker/json-schema';
import type { ResumeInput } from '../../domain/run-types';
import type { JsonSchema } from '../../domain/task-definition';

export interface OpenGate {
  stepId: string;
  prompt: string;
  schema: JsonSchema;
  input?: ResumeInput;
}

export class Gates {
  private readonly open: OpenGate[] = [];

  get waiting(): readonly OpenGate[] {
    return this.open.filter((gate) => gate.input === undefined);
  }

  /** Opens a gate and resolves with the input it is given. */
  async wait(gate: Omit<OpenGate, 'input'>, until: (done: () => boolean) => Promise<void>): Promise<ResumeInput> {
    const opened: OpenGate = { ...gate };
    this.open.push(opened);
    try {
      await until(() => opened.input !== undefined);
      if (opened.input === undefined) throw new Error(`the gate of step ${opened.stepId} was passed without input`);
      return opened.input;
    } finally {
      this.open.splice(this.open.indexOf(opened), 1);
    }
  }

  /** Why the oldest waiting gate refuses `input`; undefined when it takes it (or none waits). */
  refusal(input: ResumeInput): string | undefined {
    const gate = this.waiting.at(0);
    if (!gate) return undefined;
    const result = new Validator(gate.schema, '7', false).validate(input);
    if (result.valid) return undefined;
    const error = result.errors.find((e) => e.keyword !== 'properties' && e.keyword !== 'allOf') ?? result.errors[0];
    const at = error.instanceLocation.replace(/^#\/?/, '').replace(/\//g, '.');
    return `${gate.stepId}: the input${at ? ` at ${at}` : ''}: ${error.error}`;
  }

  /** Gives `input` to the oldest waiting gate; false when none waits. */
  give(input: ResumeInput): OpenGate | undefined {
    const gate = this.waiting.at(0);
    if (gate) gate.input = input;
    return gate;
  }
}
