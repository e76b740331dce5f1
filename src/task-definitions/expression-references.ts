/**
 * What a JSONata expression reads from the evaluation context, found in its syntax tree: the
 * paths that start at the context's root (`params.n`, `steps.align.outputs`, `$$.params.n` in a
 * filter). A path inside a filter, a sort or after its first step starts from the value at hand
 * instead, and reads nothing from the root (docs/tasks.md, "Expressions").
 */
import jsonata from 'jsonata';
import { EXPRESSION_BUDGET } from '../../workflows/task/expressions';

/** `steps.align.outputs` → { root: 'steps', name: 'align', field: 'outputs' }. */
export interface Reference {
  root: string;
  name?: string;
  field?: string;
}

/** An expression that does not parse, or uses what a task may not. */
export class UnusableExpressionError extends Error {}

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  procedure?: AstNode;
  [key: string]: unknown;
}

// The parts of a node evaluated against another value than the one the node is evaluated on.
const RELATIVE_PARTS = new Set(['stages', 'predicate', 'group', 'terms', 'body', 'pattern', 'update', 'delete']);

export function referencesOf(expression: string): Reference[] {
  let ast: AstNode;
  try {
    ast = jsonata(expression).ast() as AstNode;
  } catch (error) {
    throw new UnusableExpressionError(`does not parse: ${(error as { message?: string }).message ?? String(error)}`);
  }
  const references: Reference[] = [];
  visit(ast, true, references);
  return references;
}

function visit(value: unknown, atRoot: boolean, references: Reference[]): void {
  if (Array.isArray(value)) {
    value.forEach((item) => visit(item, atRoot, references));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as AstNode;
  refuseUnbounded(node);
  if (node.type === 'path') {
    visitPath(node, atRoot, references);
    return;
  }
  for (const [part, inner] of Object.entries(node)) visit(inner, atRoot && !RELATIVE_PARTS.has(part), references);
}

/**
 * A function defined in an expression can call itself, and JSONata runs tail calls without end:
 * the workflow would hang in the expression. Without them (and without `$eval`, which could
 * define one) every expression ends. A regular expression would run on JavaScript's backtracking
 * engine, where a pattern can take exponential time in one step the budget cannot interrupt. A
 * range of numbers written out is refused here when it is past the budget it would fail at.
 */
function refuseUnbounded(node: AstNode): void {
  if (node.type === 'lambda') throw new UnusableExpressionError('defines a function, which tasks do not allow');
  if ((node.type === 'function' || node.type === 'partial') && node.procedure?.type === 'variable' && node.procedure.value === 'eval') {
    throw new UnusableExpressionError('calls $eval, which tasks do not allow');
  }
  if (node.type === 'regex') throw new UnusableExpressionError('has a regular expression, which tasks do not allow');
  const { lhs, rhs } = node as { lhs?: AstNode; rhs?: AstNode };
  if (node.type === 'binary' && node.value === '..' && lhs?.type === 'number' && rhs?.type === 'number') {
    const size = Number(rhs.value) - Number(lhs.value) + 1;
    if (size > EXPRESSION_BUDGET.items)
      throw new UnusableExpressionError(
        `makes a range of ${size} numbers, more than the ${EXPRESSION_BUDGET.items} items an expression may make`,
      );
  }
}

function visitPath(node: AstNode, atRoot: boolean, references: Reference[]): void {
  const steps = node.steps ?? [];
  const [first] = steps;
  // `$$` is the root anywhere; `$` only where the value at hand is the root.
  const fromRoot = first.type === 'variable' && (first.value === '$' || (atRoot && first.value === ''));
  const rootAt = atRoot && first.type === 'name' ? 0 : fromRoot ? 1 : -1;
  const nameOf = (index: number) => (steps[index]?.type === 'name' ? String(steps[index].value) : undefined);
  const root = rootAt >= 0 ? nameOf(rootAt) : undefined;
  if (root !== undefined) references.push({ root, name: nameOf(rootAt + 1), field: nameOf(rootAt + 2) });
  if (rootAt < 0) visit(first, atRoot, references);
  for (const step of rootAt < 0 ? steps.slice(1) : steps) visit(step, false, references);
  for (const [part, inner] of Object.entries(node)) if (part !== 'steps') visit(inner, false, references);
}
