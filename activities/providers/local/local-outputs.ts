/**
 * The outputs of a local run: the files its engine left in the run's outputs directory
 * (`<work dir>/outputs`, shared by the API and the workers). A path is served only when its real
 * path, symlinks followed, lies inside that directory; symlinks are not listed.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { insideRoots } from '../../paths';
import { isUnder } from '../outputs/output-path';
import { directoryOf, type OutputEntry, type OutputSource, type OutputTarget } from '../outputs/output-source';

/** Snakemake's own records, in the directory it runs in: not outputs of the workflow. */
const ENGINE_RECORDS = '.snakemake';

export class LocalOutputs implements OutputSource {
  constructor(private readonly root: string) {}

  list(): Promise<OutputEntry[]> {
    return this.walk('');
  }

  async locate(wanted: string): Promise<OutputTarget | undefined> {
    if (isUnder(wanted, ENGINE_RECORDS)) return undefined;
    const real = await insideRoots(path.join(this.root, wanted), [this.root]);
    if (real === undefined) return undefined;
    const info = await stat(real);
    if (info.isFile()) return { kind: 'file', file: real };
    return info.isDirectory() ? directoryOf(await this.walk(wanted), wanted) : undefined;
  }

  /** The regular files under `dir` (relative to the root); none when it does not exist (yet). */
  private async walk(dir: string): Promise<OutputEntry[]> {
    let children;
    try {
      children = await readdir(path.join(this.root, dir), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: OutputEntry[] = [];
    for (const child of children) {
      const relative = dir === '' ? child.name : `${dir}/${child.name}`;
      if (relative === ENGINE_RECORDS) continue;
      if (child.isDirectory()) entries.push(...(await this.walk(relative)));
      else if (child.isFile()) entries.push({ path: relative, size: (await stat(path.join(this.root, relative))).size });
    }
    return entries;
  }
}
