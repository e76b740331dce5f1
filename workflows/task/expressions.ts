/**
 * Expressions in a task definition: a string written wholly as `{% … %}` is a JSONata expression
 * (AWS Step Functions' convention); every other string is itself. JSONata runs in the workflow
 * sandbox as it is: no I/O, no timers, no eval; its clock and random numbers are the workflow's,
 * so replays give the same values (docs/tasks.md, "Expressions").
 *
 * An expression runs within a budget (EXPRESSION_BUDGET): evaluation steps, nesting, the length
 * of any sequence it makes and the size of its value. Each is a count, not a time, so a replay
 * fails where the first execution failed.
 */
import jsonata from 'jsonata';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';
import { formatKey, type KeyPath } from '../../domain/key-path';

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

/** What one expression may cost; past it the expression fails, naming the budget. */
export interface ExpressionBudget {
  /** Evaluations of nodes of its syntax tree (JSONata's `__evaluate_entry`). */
  steps: number;
  /** How deeply evaluations nest (JSONata's `stack`). */
  depth: number;
  /** The longest sequence, or range, it may make (JSONata's `sequence`). */
  items: number;
  /** Its longest string, and its value as JSON, in characters. */
  chars: number;
}

export const EXPRESSION_BUDGET: ExpressionBudget = { steps: 20_000, depth: 500, items: 100_000, chars: 1024 * 1024 };

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
 * Without a budget an expression runs as long as it takes: only histories recorded before budgets
 * replay that way (workflows/task-run/task-execution.ts).
 */
export async function evaluate(
  template: unknown,
  context: EvaluationContext,
  at: KeyPath = [],
  budget?: ExpressionBudget,
): Promise<unknown> {
  if (typeof template === 'string') {
    const expression = expressionOf(template);
    return expression === undefined ? template : evaluateOne(expression, context, formatKey(at), budget);
  }
  if (Array.isArray(template)) {
    const values: unknown[] = [];
    for (const [index, item] of template.entries()) values.push(await evaluate(item, context, [...at, index], budget));
    return values;
  }
  if (template !== null && typeof template === 'object') {
    const values: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(template)) values[key] = await evaluate(item, context, [...at, key], budget);
    return values;
  }
  return template;
}

async function evaluateOne(expression: string, context: EvaluationContext, key: string, budget?: ExpressionBudget): Promise<unknown> {
  let value: unknown;
  try {
    value = await (budget ? budgeted(expression, budget) : jsonata(expression)).evaluate(context);
  } catch (error) {
    throw new ExpressionError(key, expression, reasonOf(error));
  }
  if (value === undefined) throw new ExpressionError(key, expression, 'yields no value');
  const json = plainJson(value, () => new ExpressionError(key, expression, 'yields a function, not a JSON value'));
  if (budget && stringifyExactJson(json).length > budget.chars)
    throw new ExpressionError(key, expression, `yields more than ${budget.chars} characters of JSON (the budget of an expression)`);
  return json;
}

/** Over budget: an Error, so that reasonOf shows its message. */
class OverBudget extends Error {}

function budgeted(expression: string, budget: ExpressionBudget): jsonata.Expression {
  const compiled = jsonata(expression, { stack: budget.depth, sequence: budget.items });
  let steps = 0;
  // JSONata looks its evaluation hooks up by these symbols; its typings only know string names.
  compiled.assign(Symbol.for('jsonata.__evaluate_entry') as never, () => {
    if (++steps > budget.steps) throw new OverBudget(`took more than ${budget.steps} evaluation steps (the budget of an expression)`);
  });
  compiled.assign(
    Symbol.for('jsonata.__evaluate_exit') as never,
    (_node: unknown, _input: unknown, _environment: unknown, result: unknown) => {
      if (typeof result === 'string' && result.length > budget.chars)
        throw new OverBudget(`made a string of more than ${budget.chars} characters (the budget of an expression)`);
      if (Array.isArray(result) && result.length > budget.items)
        throw new OverBudget(`made a sequence of more than ${budget.items} items (the budget of an expression)`);
    },
  );
  return compiled;
}

// JSONata's sequences are arrays with extra properties; its functions are not JSON at all. A
// number beyond a double (in a step's outputs) keeps its digits (docs/formats.md, "Numbers").
function plainJson(value: unknown, functionError: () => Error): unknown {
  return parseExactJson(
    stringifyExactJson(value, undefined, (_key, item: unknown) => {
      if (typeof item === 'function') throw functionError();
      return item;
    }),
  );
}
