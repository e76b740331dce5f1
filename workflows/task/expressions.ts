/**
 * Expressions in a task definition: a string written wholly as `{% … %}` is a JSONata expression
 * (AWS Step Functions' convention); every other string is itself. JSONata runs in the workflow
 * sandbox as it is: no I/O, no timers, no eval; its clock and random numbers are the workflow's,
 * so replays give the same values (docs/tasks.md, "Expressions").
 */
import jsonata from 'jsonata';
import { formatKey, type KeyPath } from './key-path';

/** What an expression reads: `params.<key>` and `steps.<id>.{state, run_id, outputs}`. */
export interface EvaluationContext {
  params: Record<string, unknown>;
  steps: Record<string, StepContext>;
}

export interface StepContext {
  state: string;
  /** The child run of a `run` step. */
  run_id?: string;
  /** A run's outputs, a gate's resume input, or each branch's last step's outputs by branch id. */
  outputs: Record<string, unknown>;
}

const WHOLE_EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** The expression a string holds, or undefined when the string is a literal. */
export function expressionOf(value: string): string | undefined {
  return WHOLE_EXPRESSION.exec(value)?.[1];
}

/** A string that looks like it meant to hold an expression but is not wholly one. */
export function looksLikeExpression(value: string): boolean {
  return value.includes('{%') || value.includes('%}');
}

export class ExpressionError extends Error {
  constructor(
    /** Where the expression is in the definition. */
    readonly key: string,
    readonly expression: string,
    reason: string,
  ) {
    super(`${key ? `${key}: ` : ''}expression {%${expression}%} ${reason}`);
    this.name = 'ExpressionError';
  }
}

/** JSONata's errors are plain objects with a code and a message, not Errors. */
function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? `failed: ${text} (JSONata ${code})` : `failed: ${text}`;
}

/**
 * `template` with each expression string replaced by its value, as plain JSON. An expression that
 * yields nothing (a path that matches no value) is an error rather than a silently missing value.
 */
export async function evaluate(template: unknown, context: EvaluationContext, at: KeyPath = []): Promise<unknown> {
  if (typeof template === 'string') {
    const expression = expressionOf(template);
    return expression === undefined ? template : evaluateOne(expression, context, formatKey(at));
  }
  if (Array.isArray(template)) {
    const values: unknown[] = [];
    for (const [index, item] of template.entries()) values.push(await evaluate(item, context, [...at, index]));
    return values;
  }
  if (template !== null && typeof template === 'object') {
    const values: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(template)) values[key] = await evaluate(item, context, [...at, key]);
    return values;
  }
  return template;
}

async function evaluateOne(expression: string, context: EvaluationContext, key: string): Promise<unknown> {
  let value: unknown;
  try {
    value = await jsonata(expression).evaluate(context);
  } catch (error) {
    throw new ExpressionError(key, expression, reasonOf(error));
  }
  if (value === undefined) throw new ExpressionError(key, expression, 'yields no value');
  return plainJson(value, () => new ExpressionError(key, expression, 'yields a function, not a JSON value'));
}

// JSONata's sequences are arrays with extra properties; its functions are not JSON at all.
function plainJson(value: unknown, functionError: () => Error): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'function') throw functionError();
      return item;
    }),
  );
}
