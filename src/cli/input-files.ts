/**
 * The File and Directory inputs of a run's parameters (CWL's `{"class": "File", "location"|"path": ...}`)
 * that are on this machine: each is uploaded as an attachment, and its location in the parameters
 * becomes that attachment's name.
 */
import { statSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes';
import { localPath } from './local-path';

export interface FileObject {
  class: 'File' | 'Directory';
  location?: string;
  path?: string;
}

export interface InputFile {
  /** Absolute; a directory's files are all uploaded. */
  path: string;
  directory: boolean;
  /** Points the parameters at the attachment. */
  rename(name: string): void;
}

function isFileObject(value: unknown): value is FileObject {
  const object = value as { class?: unknown } | null;
  return typeof object === 'object' && object !== null && (object.class === 'File' || object.class === 'Directory');
}

/** Every local File and Directory in `params`, paths relative to `base` (the params file's dir). */
export function inputFiles(params: unknown, base: string): InputFile[] {
  const found: InputFile[] = [];
  eachFileObject(params, (value) => {
    const location = value.location ?? value.path;
    const file = location === undefined ? undefined : localPath(location, base);
    if (location === undefined || file === undefined) return;
    const directory = value.class === 'Directory';
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory() !== directory)
      throw new CliError(`input ${location}: no such ${directory ? 'directory' : 'file'} (${file})`, EXIT.usage);
    found.push({
      path: file,
      directory,
      rename(name) {
        value.location = name;
        delete value.path;
      },
    });
  });
  return found;
}

/** Calls `visit` with every File and Directory object in `value`, those nested in them too. */
export function eachFileObject(value: unknown, visit: (object: FileObject) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item) => eachFileObject(item, visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (isFileObject(value)) visit(value);
  // secondaryFiles and a Directory's listing hold File objects of their own.
  Object.values(value).forEach((item) => eachFileObject(item, visit));
}
