/**
 * The size check before an upload (README, "CLI"): one that is large most likely sends what was
 * not meant (a project's data, a forgotten results folder), so the CLI says what it is about to
 * send and sends it only when told to with `--yes`.
 */
import { statSync } from 'node:fs';
import type { Attachment } from './attachments';
import { CliError, EXIT } from './exit-codes';

/** Above either, an upload waits for `--yes`: the server takes 1,000 attachments by default (WES_MAX_ATTACHMENTS). */
export const LARGE_UPLOAD = { files: 500, bytes: 100 * 1024 * 1024 };

export function checkUploadSize(attachments: Attachment[], yes: boolean | undefined): void {
  const sizes = attachments.map((attachment) => ({ name: attachment.name, bytes: statSync(attachment.path).size }));
  const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
  if (yes || (sizes.length <= LARGE_UPLOAD.files && total <= LARGE_UPLOAD.bytes)) return;
  throw new CliError(
    `about to upload ${sizes.length} files, ${megabytes(total)} (biggest: ${biggestFolders(sizes)}); ` +
      `that is more than ${LARGE_UPLOAD.files} files or ${megabytes(LARGE_UPLOAD.bytes)}: give --yes to send it, ` +
      `or leave files out (.gitignore in a Snakemake project)`,
    EXIT.usage,
  );
}

/** The three top-level folders (or files) of the upload that weigh most. */
function biggestFolders(sizes: Array<{ name: string; bytes: number }>): string {
  const folders = new Map<string, { files: number; bytes: number }>();
  for (const { name, bytes } of sizes) {
    const top = name.includes('/') ? `${name.split('/')[0]}/` : name;
    const folder = folders.get(top) ?? { files: 0, bytes: 0 };
    folders.set(top, { files: folder.files + 1, bytes: folder.bytes + bytes });
  }
  return [...folders]
    .sort(([, a], [, b]) => b.bytes - a.bytes || b.files - a.files)
    .slice(0, 3)
    .map(([name, { files, bytes }]) => `${name} ${files} files, ${megabytes(bytes)}`)
    .join('; ');
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
