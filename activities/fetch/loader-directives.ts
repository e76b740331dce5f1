/**
 * Schema Salad's loader directives: cwltool replaces `{"$include": file}` by the file's text,
 * `{"$import": file}` by its parsed content and merges `$mixin`, wherever they stand in a job
 * order, reading the file itself. In workflow_params they would let a submitter read any file
 * the engine can (docs/design.md, "Inputs fetched by the service"), so none is accepted there.
 */
const DIRECTIVES = new Set(['$include', '$import', '$mixin']);

/**
 * The path of the first directive key in `value` (`workflow_params.msg.$include`); undefined if
 * none. Walked with a stack of its own: JSON.parse accepts nesting deeper than the call stack.
 */
export function loaderDirective(value: unknown, at = 'workflow_params'): string | undefined {
  const pending: Array<[unknown, string]> = [[value, at]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, path] = next;
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--) pending.push([item[index], `${path}[${index}]`]);
      continue;
    }
    const entries = Object.entries(item);
    const directive = entries.find(([key]) => DIRECTIVES.has(key));
    if (directive) return `${path}.${directive[0]}`;
    for (const [key, child] of entries.reverse()) pending.push([child, `${path}.${key}`]);
  }
  return undefined;
}

/** The refusal of a directive at `path`, for a 400 or a failed run. */
export const loaderDirectiveRefusal = (path: string): string =>
  `${path}: ${path.slice(path.lastIndexOf('.') + 1)} is not accepted in workflow_params: it would make the engine read a file on the service's host; attach the file instead`;
