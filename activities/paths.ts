/** Whether a path stays inside a directory: lexically, and after its symlinks are followed. */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Strictly inside: the directory itself is not. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/** The real path of `file` when it lies inside one of `roots`; undefined otherwise. */
export async function insideRoots(file: string, roots: readonly string[]): Promise<string | undefined> {
  const real = await realpathOrUndefined(file);
  if (real === undefined) return undefined;
  for (const root of roots) {
    const realRoot = await realpathOrUndefined(root);
    if (realRoot !== undefined && isInside(real, realRoot)) return real;
  }
  return undefined;
}

/** The absolute path a `file:` URL or an absolute path names on this host; undefined for anything else. */
export function hostPath(location: string): string | undefined {
  let file: string;
  try {
    file = /^file:/i.test(location) ? fileURLToPath(location) : location;
  } catch {
    return undefined;
  }
  return path.isAbsolute(file) ? file : undefined;
}
