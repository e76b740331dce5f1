/** A log read while it is written: chunks of whole UTF-8 characters, a cut character kept for later. */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { logChunks, type LogChunk } from '../src/api/logs/log-chunks';
import { wholeUtf8Length } from '../src/api/logs/utf8-prefix';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'log-chunks-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(file: string, offset: number, final: boolean): Promise<LogChunk[]> {
  const chunks: LogChunk[] = [];
  for await (const chunk of logChunks(file, offset, final)) chunks.push(chunk);
  return chunks;
}

test('whole characters: a cut 2-, 3- or 4-byte character is left out, a whole one is kept', () => {
  for (const char of ['é', '€', '𝄞']) {
    const bytes = Buffer.from(`a${char}`);
    expect(wholeUtf8Length(bytes)).toBe(bytes.length);
    for (let cut = 1; cut < Buffer.byteLength(char); cut++) expect(wholeUtf8Length(bytes.subarray(0, 1 + cut))).toBe(1);
  }
  expect(wholeUtf8Length(Buffer.from([0x80, 0x80]))).toBe(2);
});

test('a character cut by the writer comes whole with the next read; offsets are bytes', async () => {
  const file = path.join(dir, 'stderr');
  const euro = Buffer.from('€');
  await writeFile(file, Buffer.concat([Buffer.from('cost: '), euro.subarray(0, 2)]));
  expect(await read(file, 0, false)).toEqual([{ text: 'cost: ', end: 6 }]);
  await appendFile(file, Buffer.concat([euro.subarray(2), Buffer.from('5\n')]));
  expect(await read(file, 6, false)).toEqual([{ text: '€5\n', end: 11 }]);
  expect(await read(file, 11, false)).toEqual([]);
});

test('a file that will not grow is read to its last byte; a file not there yet holds nothing', async () => {
  const file = path.join(dir, 'cut');
  await writeFile(file, Buffer.from('€').subarray(0, 1));
  expect(await read(file, 0, false)).toEqual([]);
  expect((await read(file, 0, true)).map((chunk) => chunk.end)).toEqual([1]);
  expect(await read(path.join(dir, 'missing'), 0, true)).toEqual([]);
});
