/** Where a value sits in a document (a task definition, a request), as users read it: `steps[2].run.workflow_params.n`. */
export type KeyPath = ReadonlyArray<string | number>;

export function formatKey(path: KeyPath): string {
  return path.reduce<string>(
    (key, segment) => (typeof segment === 'number' ? `${key}[${segment}]` : key ? `${key}.${segment}` : segment),
    '',
  );
}

/** A JSON pointer, as JSON Schema validators report places (`/steps/0/id`), as a key path. */
export function keyPathOf(pointer: string): KeyPath {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
