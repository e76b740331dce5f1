/** What of a task definition is known at submission: values that hold no expression anywhere. */
import { expressionOf } from '../../workflows/task/expressions';

export function holdsExpression(value: unknown): boolean {
  if (typeof value === 'string') return expressionOf(value) !== undefined;
  if (Array.isArray(value)) return value.some(holdsExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
  return false;
}

/** `template` without its entries that hold an expression: the part of it that is fixed. */
export function literalPart<T extends object>(template: T): Partial<T> {
  return Object.fromEntries(Object.entries(template).filter(([, value]) => !holdsExpression(value))) as Partial<T>;
}
