/** What a log file holds past a byte offset, in chunks of whole characters (a file not there yet holds nothing). */
import { open } from 'node:fs/promises';
import { wholeUtf8Length } from './utf8-prefix';

const CHUNK_BYTES = 64 * 1024;

export interface LogChunk {
  text: string;
  /** The byte offset just after this chunk. */
  end: number;
}

/**
 * Reads from `offset` to the end of the file. `final`: the file will not grow, so a character cut
 * at its end is shown as it is rather than waited for.
 */
export async function* logChunks(file: string, offset: number, final: boolean): AsyncGenerator<LogChunk> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    // By its code, not instanceof: an error from Node's own fs is not an instance of a jest test's Error.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return;
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
      if (bytesRead === 0) return;
      const read = buffer.subarray(0, bytesRead);
      const whole = bytesRead < CHUNK_BYTES && final ? bytesRead : wholeUtf8Length(read);
      if (whole === 0) return;
      offset += whole;
      yield { text: read.subarray(0, whole).toString('utf8'), end: offset };
    }
  } finally {
    await handle.close();
  }
}
