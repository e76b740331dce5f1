/**
 * A directory of immutable blobs named by the SHA-256 of their bytes, each kept while some
 * workflow refers to it (docs/design.md, "Large payloads"). Naming by content makes a write
 * idempotent: the same bytes stored twice, by any process, are one file.
 *
 *   <dir>/<sha256>                 the blob (mode 0600; directories 0700)
 *   <dir>/refs/<sha256>/<owner>    one empty file per workflow id that stored it
 *   <dir>/owners/<owner>/<sha256>  the same, per workflow id: what `release` walks
 *
 * `<owner>` is the SHA-256 of the workflow id, so that any id is a safe file name. A blob stored
 * without a workflow id is referenced by `unowned`, which nothing releases: kept for ever.
 */
import { createHash, randomUUID } from 'node:crypto';
import { access, chmod, mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const UNOWNED = 'unowned';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class ContentAddressedStore {
  private secured?: Promise<void>;

  constructor(readonly dir: string) {}

  /**
   * Stores `bytes` unless they are stored already, as referred to by the workflow `owner`; returns
   * their hash. The reference is written before the blob is looked for: a collector that saw no
   * reference has then either not yet moved the blob away (and sees this one when it checks again)
   * or already has (and this writes the blob anew).
   */
  async put(bytes: Uint8Array, owner?: string): Promise<string> {
    await this.secure();
    const hash = sha256Hex(bytes);
    await this.reference(hash, owner);
    const target = path.join(this.dir, hash);
    if (await exists(target)) return hash;
    // Readers in other processes must never see half a blob, even after a crash: write it aside,
    // flush it to disk, then rename it into place (atomic within one directory).
    const temp = path.join(this.dir, `.${hash}.${randomUUID()}.tmp`);
    try {
      const file = await open(temp, 'wx', FILE_MODE);
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

  /** Drops every reference of the workflow `owner`, and each blob no other workflow refers to; returns the blobs deleted. */
  async release(owner: string): Promise<string[]> {
    const key = ownerKey(owner);
    const ownerDir = path.join(this.dir, 'owners', key);
    const hashes = (await readdir(ownerDir).catch(ignoreMissing([]))).filter((name) => SHA256_HEX.test(name));
    const deleted: string[] = [];
    for (const hash of hashes) {
      await rm(path.join(this.dir, 'refs', hash, key), { force: true });
      if (await this.collect(hash)) deleted.push(hash);
    }
    await rm(ownerDir, { recursive: true, force: true });
    return deleted;
  }

  /** The workflows' references to the blob `hash` (as owner keys), for tests and operators. */
  async references(hash: string): Promise<string[]> {
    return readdir(path.join(this.dir, 'refs', hash)).catch(ignoreMissing([]));
  }

  /**
   * Deletes the blob when nothing refers to it. It is moved aside first and the references are
   * read again: one written meanwhile (`put` of another run) puts it back.
   */
  private async collect(hash: string): Promise<boolean> {
    const refs = path.join(this.dir, 'refs', hash);
    if ((await this.references(hash)).length > 0) return false;
    const blob = path.join(this.dir, hash);
    const aside = path.join(this.dir, `.${hash}.${randomUUID()}.collecting`);
    try {
      await rename(blob, aside);
    } catch (err) {
      // Another collector took it, or it was never written.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    if ((await this.references(hash)).length > 0) {
      await rename(aside, blob);
      return false;
    }
    await rm(aside, { force: true });
    // A put that made the directory again meanwhile keeps it (ENOTEMPTY), or retries its write.
    await rmdir(refs).catch(ignoreMissing(undefined, ['ENOENT', 'ENOTEMPTY']));
    return true;
  }

  private async reference(hash: string, owner: string | undefined): Promise<void> {
    const key = owner === undefined ? UNOWNED : ownerKey(owner);
    if (owner !== undefined) await touch(path.join(this.dir, 'owners', key), hash);
    await touch(path.join(this.dir, 'refs', hash), key);
  }

  /** Blobs are workflow inputs and outputs: readable by this service's user alone, whatever the umask or an older version made. */
  private secure(): Promise<void> {
    this.secured ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      await chmod(this.dir, DIR_MODE);
    })();
    return this.secured;
  }
}

const ownerKey = (owner: string) => sha256Hex(owner);

/** An empty file `name` in `dir`, made with its directory; again if a collector removed the directory meanwhile. */
async function touch(dir: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    try {
      await writeFile(path.join(dir, name), '', { mode: FILE_MODE });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
    }
  }
}

function ignoreMissing<T>(value: T, codes = ['ENOENT']) {
  return (err: NodeJS.ErrnoException): T => {
    if (codes.includes(err.code ?? '')) return value;
    throw err;
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
