/** Where workflow_params name files: the `location` and `path` of CWL File and Directory objects. */

export const isLocationKey = (object: Record<string, unknown>, key: string): boolean =>
  (object.class === 'File' || object.class === 'Directory') && (key === 'location' || key === 'path');

export interface InputLocation {
  /** Where it stands, e.g. `workflow_params.reads[0].location`. */
  at: string;
  class: 'File' | 'Directory';
  value: string;
}

/** Every location in `params`, walked with a stack of its own (JSON nests deeper than the call stack). */
export function inputLocations(params: unknown): InputLocation[] {
  const found: InputLocation[] = [];
  const pending: Array<[unknown, string]> = [[params, 'workflow_params']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at] = next;
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      item.forEach((child, index) => pending.push([child, `${at}[${index}]`]));
      continue;
    }
    const object = item as Record<string, unknown>;
    for (const [key, child] of Object.entries(object)) {
      if (isLocationKey(object, key) && typeof child === 'string')
        found.push({ at: `${at}.${key}`, class: object.class as InputLocation['class'], value: child });
      else pending.push([child, `${at}.${key}`]);
    }
  }
  return found;
}
