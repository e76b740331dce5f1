/**
 * A crate as a zip, streamed as the answer: ro-crate-metadata.json at its root, then every file
 * the metadata describes, at its @id (docs/formats.md, "Workflow Run RO-Crate").
 */
import type { FastifyReply } from 'fastify';
import { ZipFile } from 'yazl';
import { stringifyExactJson } from '../../../domain/exact-json';
import type { Crate } from './crate-types';

const METADATA_FILE = 'ro-crate-metadata.json';

export function crateJson(crate: Crate): string {
  return `${stringifyExactJson(crate.metadata, 2)}\n`;
}

export function sendCrateZip(crate: Crate, filename: string, reply: FastifyReply): void {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(crateJson(crate)), METADATA_FILE);
  for (const [name, content] of Object.entries(crate.documents)) zip.addBuffer(Buffer.from(content), name);
  for (const file of crate.files) zip.addFile(file.file, file.path);
  for (const dir of crate.emptyDirectories) zip.addEmptyDirectory(dir);
  zip.end();
  reply.headers({ 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${filename}"` });
  // Once the first bytes have gone, a file that cannot be read can only cut the answer short (Fastify destroys the response).
  void reply.send(zip.outputStream);
}
