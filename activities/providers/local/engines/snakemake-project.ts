/**
 * A Snakemake run as a project (docs/design.md, "Snakemake as a project"): the engine runs in
 * `project/` of the run's work dir, its own copy of the folder the user would run `snakemake` in,
 * so that `configfile:`, relative inputs, `script:`, `notebook:`, `include:` and `conda:` paths
 * resolve as they do there. Its outputs are the files its finished jobs declared, linked into the
 * run's `outputs/` once it has ended: the copied project is not among them.
 */
import { realpathSync } from 'node:fs';
import { copyFile, lchown, link, lstat, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { insideRoots, isInside, realpathOrUndefined } from '../../../paths';
import { ATTACHMENTS_DIR } from '../../../work-dir';

/** The engine's working directory in the run's work dir. */
export const PROJECT_DIR = 'project';

/** Snakemake's own records (metadata, locks, conda envs): never copied in, never outputs. */
export const ENGINE_RECORDS = '.snakemake';

export interface ProjectLayout {
  /** The folder copied: the project as the user has it. */
  source: string;
  /** Its copy, where the engine runs (`--directory`). */
  dir: string;
  /** The Snakefile the engine is given: in the copy, unless it was fetched from a URL. */
  snakefile: string;
}

/**
 * Where the project of `workflow` (a real path) is. A Snakefile among the attachments is in its
 * project's root, or in its `workflow/` folder as in the snakemake-workflows templates (Snakemake
 * finds both from the root); the project never reaches above the attachments. One under a workflow
 * root is the project of its own folder, which lies inside that root. One fetched from a URL has
 * no folder of its own: the attachments are its project.
 */
export function projectLayout(workflow: string, workDir: string): ProjectLayout {
  const dir = path.join(workDir, PROJECT_DIR);
  const attachments = realOr(path.join(workDir, ATTACHMENTS_DIR));
  const staging = realOr(path.join(workDir, path.dirname(ATTACHMENTS_DIR)));
  if (isInside(workflow, attachments)) {
    const folder = path.dirname(workflow);
    const source = path.basename(folder) === 'workflow' && folder !== attachments ? path.dirname(folder) : folder;
    return { source, dir, snakefile: path.join(dir, path.relative(source, workflow)) };
  }
  if (isInside(workflow, staging)) return { source: attachments, dir, snakefile: workflow };
  return { source: path.dirname(workflow), dir, snakefile: path.join(dir, path.basename(workflow)) };
}

function realOr(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
}

/**
 * Copies the project into its dir, which the sandbox has made and given to the run's user: what is
 * copied is given to that user too, so that the run may write anywhere in its project. Symlinks are
 * copied as they are: inside the sandbox they reach only what it shows.
 */
export async function copyProject({ source, dir }: ProjectLayout): Promise<void> {
  const owner = await stat(dir);
  const asRoot = process.getuid?.() === 0;
  const give = async (file: string): Promise<void> => {
    if (asRoot) await lchown(file, owner.uid, owner.gid);
  };
  const copy = async (from: string, to: string): Promise<void> => {
    let children;
    try {
      children = await readdir(from, { withFileTypes: true });
    } catch (err) {
      // A fetched workflow with no attachments has an empty project.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const child of children) {
      if (child.name === ENGINE_RECORDS) continue;
      const [childFrom, childTo] = [path.join(from, child.name), path.join(to, child.name)];
      if (child.isDirectory()) {
        await mkdir(childTo, { recursive: true });
        await give(childTo);
        await copy(childFrom, childTo);
      } else if (child.isFile()) {
        await copyFile(childFrom, childTo);
        await give(childTo);
      } else if (child.isSymbolicLink()) {
        await symlink(await readlink(childFrom), childTo).catch(unlessExists);
        await give(childTo);
      }
    }
  };
  await copy(source, dir);
}

/**
 * Links the files the run's jobs produced (`produced`: paths as Snakemake names them, relative to
 * the project) into `outputsDir`, under the same relative paths; a directory output with the files
 * in it. Only what really lies in the project, symlinks followed, and is not Snakemake's records;
 * the run cannot write `outputsDir`, so nothing there redirects a link. Linking again is harmless.
 */
export async function linkProduced(projectDir: string, produced: string[], outputsDir: string): Promise<void> {
  // A run launched before runs had a project (its outputs/ was its directory) has its outputs in place.
  const realProject = await realpathOrUndefined(projectDir);
  if (realProject === undefined) return;
  const place = async (relative: string): Promise<void> => {
    const real = await insideRoots(path.join(realProject, relative), [realProject]);
    if (real === undefined) return;
    const inProject = path.relative(realProject, real);
    if (inProject.split(path.sep)[0] === ENGINE_RECORDS) return;
    const info = await lstat(real);
    if (info.isDirectory()) {
      for (const child of await readdir(real)) await place(path.join(inProject, child));
    } else if (info.isFile()) {
      const target = path.join(outputsDir, inProject);
      await mkdir(path.dirname(target), { recursive: true });
      await link(real, target).catch(unlessExists);
    }
  };
  for (const file of new Set(produced)) await place(path.isAbsolute(file) ? path.relative(realProject, file) : file);
}

/** A copy or link made again (a submission or results retried) finds the first in place. */
function unlessExists(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
}
