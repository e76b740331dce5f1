/** Whether a location names a file on this machine, and which. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute path `location` names, relative to `base`; undefined for a remote URL (http:, s3:, ...). */
export function localPath(location: string, base: string): string | undefined {
  if (/^file:/i.test(location)) return fileURLToPath(location);
  // A scheme of two letters or more: a URL. (One letter is a Windows drive.)
  if (/^[a-z][a-z0-9+.-]+:/i.test(location)) return undefined;
  return path.resolve(base, location);
}
