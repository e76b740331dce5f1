import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository's root, where spec/, examples/ and package.json live: one level above this file
 * in the sources, two in the build (dist/src). Read at run time so the build needs no copies.
 */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/** This service's version: package.json's. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
