/**
 * The files of a Snakemake project that the CLI uploads (docs/design.md, "Snakemake as a project"):
 * every file of its folder but Snakemake's records, version control, the folders its rules write
 * results to, and what the project's `.gitignore` files exclude.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders that are no part of a project wherever they are: Snakemake's records, version control. */
const NOT_PROJECT = new Set(['.snakemake', '.git']);

/**
 * Folders at a project's root that its rules write, as Snakemake's guidelines lay a project out
 * (`results/`, `logs/`, `benchmarks/`). Sent, they would make Snakemake find its jobs done and run
 * none; `--attach` sends them when that is meant.
 */
export const RESULT_FOLDERS = ['results', 'logs', 'benchmarks'];

/** The project's root: the Snakefile's folder, or the folder above when that is `workflow/`, as Snakemake finds `workflow/Snakefile`. */
export function projectRoot(snakefile: string): string {
  const folder = path.dirname(snakefile);
  return path.basename(folder) === 'workflow' ? path.dirname(folder) : folder;
}

/** Every file of the project of `snakefile` (absolute) that is uploaded. */
export function projectFiles(snakefile: string): string[] {
  const root = projectRoot(snakefile);
  // Folders walked, by real path: a symlink back up the tree is not followed round.
  const walked = new Set<string>();
  const walk = (dir: string, rules: GitIgnore[]): string[] => {
    if (walked.has(realpathSync(dir))) return [];
    walked.add(realpathSync(dir));
    const here = [...rules, ...gitIgnoreOf(dir)];
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      // A symlink is followed: a project often links its data from elsewhere, and sends what it holds.
      const stat = statSync(full, { throwIfNoEntry: false });
      const directory = stat?.isDirectory() ?? false;
      if (directory && (NOT_PROJECT.has(name) || (dir === root && RESULT_FOLDERS.includes(name)))) return [];
      if (here.some((rule) => rule.ignores(full, directory))) return [];
      if (directory) return walk(full, here);
      return stat?.isFile() ? [full] : [];
    });
  };
  return walk(root, []);
}

interface GitIgnore {
  ignores(file: string, directory: boolean): boolean;
}

/** The rules of `dir/.gitignore`, which read paths relative to `dir`. */
function gitIgnoreOf(dir: string): GitIgnore[] {
  let rules: Ignore;
  try {
    rules = ignore().add(readFileSync(path.join(dir, '.gitignore'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return [{ ignores: (file, directory) => rules.ignores(path.relative(dir, file).split(path.sep).join('/') + (directory ? '/' : '')) }];
}
