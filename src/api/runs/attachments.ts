/**
 * Workflow attachments: the relative paths their parts' filenames give (`dir/tool.cwl`), checked
 * so that no attachment can land outside the run's attachments directory, and their staging
 * there, where the local provider resolves a relative workflow_url.
 */
import { BadRequestException } from '@nestjs/common';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { ATTACHMENTS_DIR } from '../../../activities/work-dir';

export interface Attachment {
  /** Relative, `/`-separated, without `.` segments. */
  path: string;
  /** Where the upload was received. */
  file: string;
}

/** A relative path in normal form, or the reason it is not a safe one. */
export function normalRelativePath(name: string): { path: string } | { problem: string } {
  if (name === '') return { problem: 'is empty' };
  if (/[\0\\]/.test(name)) return { problem: 'contains a backslash or NUL: use / between directories' };
  // `A:Gln2Cys` is a file's name here, not a drive: the service's hosts are POSIX.
  if (name.startsWith('/')) return { problem: 'is absolute' };
  const segments = name.split('/').filter((segment) => segment !== '.');
  if (segments.includes('..')) return { problem: "refers to a parent directory with '..'" };
  if (segments.length === 0 || segments.includes('')) return { problem: 'has an empty path segment' };
  return { path: segments.join('/') };
}

export function attachmentPath(filename: string): string {
  const normal = normalRelativePath(filename);
  if ('problem' in normal) throw new BadRequestException(`workflow_attachment filename ${JSON.stringify(filename)} ${normal.problem}`);
  return normal.path;
}

/**
 * The attachments of a request: each path once, and none both a file and a directory. A part that
 * repeats another, filename and bytes, is the same file sent twice (toil-wes-cwl-runner attaches a
 * file once for the workflow and again for its inputs): kept once. Its upload is removed with the
 * request's others.
 */
export async function checkAttachments(files: Array<{ originalname: string; path: string }>): Promise<Attachment[]> {
  const byPath = new Map<string, Attachment>();
  for (const file of files) {
    const attachment = { path: attachmentPath(file.originalname), file: file.path };
    const first = byPath.get(attachment.path);
    if (first === undefined) byPath.set(attachment.path, attachment);
    else if (!(await readFile(first.file)).equals(await readFile(attachment.file))) {
      throw new BadRequestException(`two workflow_attachment parts have the same filename, ${attachment.path}, and different contents`);
    }
  }
  const attachments = [...byPath.values()];
  const paths = new Set(byPath.keys());
  for (const { path: file } of attachments) {
    const segments = file.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const dir = segments.slice(0, depth).join('/');
      if (paths.has(dir)) throw new BadRequestException(`workflow_attachment ${dir} is both a file and the directory of ${file}`);
    }
  }
  return attachments;
}

/** Moves received attachments into the run's work dir (same file system: a rename each). */
export async function stageAttachments(attachments: Attachment[], workDir: string): Promise<void> {
  const base = path.join(workDir, ATTACHMENTS_DIR);
  for (const attachment of attachments) {
    const target = path.join(base, ...attachment.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await rename(attachment.file, target);
  }
}
