/** What a zod schema found wrong, as one message: each issue as `key.path: what is wrong`. */
import type { z } from 'zod';

export function describeIssues(error: z.ZodError): string {
  const at = (keys: PropertyKey[]) => keys.map(String).join('.');
  return error.issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `${at([...issue.path, key])}: unknown setting`)
        : [`${issue.path.length > 0 ? `${at(issue.path)}: ` : ''}${issue.message}`],
    )
    .join('; ');
}
