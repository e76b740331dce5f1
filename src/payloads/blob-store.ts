/**
 * A directory of immutable blobs named by the SHA-256 of their bytes. Naming by content makes a
 * write idempotent: the same bytes stored twice, by any process, are one file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class ContentAddressedStore {
  constructor(readonly dir: string) {}

  /** Stores `bytes` unless they are stored already; returns their hash. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    const target = path.join(this.dir, hash);
    if (await exists(target)) return hash;
    await mkdir(this.dir, { recursive: true });
    // Readers in other processes must never see half a blob, even after a crash: write it aside,
    // flush it to disk, then rename it into place (atomic within one directory).
    const temp = path.join(this.dir, `.${hash}.${randomUUID()}.tmp`);
    try {
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return hash;
  }

  /** The bytes stored under `hash`, verified against it. */
  async get(hash: string): Promise<Uint8Array> {
    // The hash comes from a payload anyone able to start a workflow can write: never let it name a path.
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
      throw new Error(`'${hash}' is not a SHA-256 hex digest, so it names no blob in ${this.dir}`);
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(this.dir, hash));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`blob ${hash} is missing from ${this.dir}`);
      throw err;
    }
    const actual = sha256Hex(bytes);
    if (actual !== hash) throw new Error(`blob ${hash} in ${this.dir} is corrupt: its content hashes to ${actual}`);
    return bytes;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
