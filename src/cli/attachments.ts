/**
 * Names for the files uploaded with a run: their paths relative to the deepest directory that
 * holds them all, so that the relative paths between them (a CWL `run:`, an input beside the
 * workflow) stay what they were on this machine.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface Attachment {
  /** Absolute, on this machine. */
  path: string;
  /** Relative, `/`-separated: the attachment's name in the run. */
  name: string;
}

/** A file or folder to upload (a folder: every file in it). */
export interface LocalEntry {
  /** Absolute, on this machine. */
  path: string;
  directory: boolean;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The deepest directory that holds every one of `paths` (absolute; a directory holds itself). */
export function commonRoot(paths: LocalEntry[]): string {
  const dirs = paths.map((entry) => (entry.directory ? entry.path : path.dirname(entry.path)).split(path.sep));
  const first = dirs[0];
  let length = 0;
  while (length < first.length && dirs.every((dir) => dir[length] === first[length])) length++;
  return first.slice(0, length).join(path.sep) || path.sep;
}

export function attachmentName(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/') || '.';
}

/** Whether `file` is `root` or below it (both absolute). */
export function isBelow(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
