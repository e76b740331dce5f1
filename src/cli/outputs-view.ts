/** A run's outputs for people: each output's file (its location) or value on a line of its own. */
import { stringifyExactJson } from '../../domain/exact-json';

interface FileLike {
  class?: string;
  location?: string;
  path?: string;
}

export function printOutputs(outputs: Record<string, unknown>): void {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return;
  process.stdout.write('outputs:\n');
  for (const [name, value] of entries) process.stdout.write(`  ${name}: ${describe(value)}\n`);
}

function describe(value: unknown): string {
  const file = value as FileLike | null;
  if (typeof file === 'object' && file !== null && (file.class === 'File' || file.class === 'Directory'))
    return file.location ?? file.path ?? stringifyExactJson(value);
  return stringifyExactJson(value);
}
