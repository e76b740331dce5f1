/** Output files saved into a directory, each at its relative path. */
import { mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';
import type { OutputFile } from './output-files';

/** Returns where the file went. */
export async function download(api: ApiClient, file: OutputFile, dir: string): Promise<string> {
  const target = path.resolve(dir, file.path);
  // A path from the server must not write outside the directory asked for.
  if (path.isAbsolute(file.path) || !target.startsWith(path.resolve(dir) + path.sep))
    throw new CliError(`output ${file.path}: not a relative path`, EXIT.server);
  await mkdir(path.dirname(target), { recursive: true });
  const response = await api.fetch(file.url);
  if (!response.body) throw new CliError(`output ${file.path}: the server sent no content`, EXIT.server);
  await pipeline(Readable.fromWeb(response.body), createWriteStream(target));
  return target;
}
