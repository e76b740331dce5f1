/** Where a value sits in a task definition, as users read it: `steps[2].run.workflow_params.n`. */
export type KeyPath = readonly (string | number)[];

export function formatKey(path: KeyPath): string {
  return path.reduce<string>((key, segment) => (typeof segment === 'number' ? `${key}[${segment}]` : key ? `${key}.${segment}` : segment), '');
}
