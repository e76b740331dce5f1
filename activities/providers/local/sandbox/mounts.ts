/**
 * What a sandbox's file system is made of: the host's system read-only (/usr and its /bin, /lib...
 * links, the few /etc files programs need), the interpreters of the programs it runs, and the
 * run's own paths, each at the same absolute path as outside, so that every path the worker wrote
 * into the engine's command and inputs means the same inside.
 */
import { constants } from 'node:fs';
import { access, lstat, open, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../../paths';

export interface Bind {
  source: string;
  dest: string;
  readOnly: boolean;
}

/** Top-level links or directories of a merged /usr (Debian 12) or not. */
const SYSTEM_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** /etc files engines and their tools read; no passwd, group or shadow (the sandbox has its own passwd and group). */
const ETC_FILES = [
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'nsswitch.conf',
  'hosts',
  'host.conf',
  'localtime',
  'timezone',
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'alternatives',
  'mime.types',
  'protocols',
  'services',
  'gai.conf',
  'locale.alias',
];

/** Made before any bind: a bind under it is made inside it. */
const TMP = '/tmp';

/** The system, and a /tmp of its own (in memory: it counts against the run's memory) for tools that ignore TMPDIR. */
export async function systemArgs(tmpBytes: number): Promise<string[]> {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const name of SYSTEM_DIRS) {
    const dir = `/${name}`;
    const info = await lstat(dir).catch(() => undefined);
    if (info?.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
    else if (info?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  // As root bwrap makes a bind's missing parents mode 0700: /etc is made first, readable.
  args.push('--perms', '0755', '--dir', '/etc');
  for (const file of ETC_FILES) args.push('--ro-bind-try', `/etc/${file}`, `/etc/${file}`);
  args.push('--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', String(tmpBytes), '--tmpfs', TMP);
  return args;
}

/** `executable` as a shell would find it on PATH. */
export async function onPath(executable: string, searchPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = executable.includes('/') ? [executable] : searchPath.split(':').map((dir) => path.join(dir || '.', executable));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return path.resolve(candidate);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The interpreter and its options on a script's `#!` line (after `env`); undefined for anything else. */
export async function shebangWords(script: string): Promise<string[] | undefined> {
  const handle = await open(script, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const head = Buffer.alloc(256);
    await handle.read(head, 0, head.length, 0);
    const line = head.toString('utf8').split('\n')[0];
    if (!line.startsWith('#!')) return undefined;
    const words = line.slice(2).trim().split(/\s+/);
    return path.basename(words[0]) === 'env' ? words.slice(1) : words;
  } finally {
    await handle.close();
  }
}

async function shebang(script: string): Promise<string | undefined> {
  return (await shebangWords(script))?.[0];
}

/**
 * The installation a program lies in: the prefix above its bin/ (a venv, a pyenv version, /opt/x);
 * a program elsewhere (a wrapper script beside other files) alone.
 */
async function prefixOf(file: string): Promise<string> {
  const bin = path.dirname(file);
  const prefix = path.dirname(bin);
  return (await lstat(path.join(prefix, 'pyvenv.cfg')).catch(() => undefined)) || path.basename(bin) === 'bin' ? prefix : file;
}

/**
 * What running `executable` needs beyond the system: its own prefix (a venv), and, through its `#!`
 * line and the links of its interpreter, the prefixes of the interpreters behind it (a venv's
 * python links into a pyenv or /usr). Read-only, at their own paths; nothing else of where they live.
 */
export async function runtimeBinds(executable: string): Promise<{ binds: Bind[]; binDir?: string }> {
  const found = await onPath(executable);
  if (!found) return { binds: [] };
  const prefixes = new Set<string>();
  const visit = async (file: string, depth: number): Promise<void> => {
    if (depth > 4) return;
    const real = await realpath(file).catch(() => undefined);
    if (!real) return;
    // Each link on the way (a venv's bin/python → the python it was made from) is a path the loader follows.
    for (let link = file, hops = 0; hops < 8; hops++) {
      prefixes.add(await prefixOf(link));
      const info = await lstat(link).catch(() => undefined);
      if (!info?.isSymbolicLink()) break;
      link = path.resolve(path.dirname(link), await readlink(link));
    }
    prefixes.add(await prefixOf(real));
    const interpreter = await shebang(real);
    if (interpreter) await visit((await onPath(interpreter)) ?? interpreter, depth + 1);
  };
  await visit(found, 0);
  const binds = [...prefixes]
    .filter((prefix) => prefix !== '/usr' && !isInside(prefix, '/usr') && !SYSTEM_DIRS.some((dir) => prefix === `/${dir}`))
    .map((prefix) => ({ source: prefix, dest: prefix, readOnly: true }));
  return { binds, binDir: path.dirname(found) };
}

/**
 * bwrap's arguments for `binds`: a bind's parents that are not themselves bound are made as empty
 * directories (mode 0755, so that the run's user can pass through them, whatever they are outside);
 * a bind inside another comes after it.
 */
export function bindArgs(binds: Bind[]): string[] {
  const sorted = dedupe(binds).sort((a, b) => a.dest.split('/').length - b.dest.split('/').length || a.dest.localeCompare(b.dest));
  const made = new Set<string>(['/', TMP]);
  const args: string[] = [];
  for (const bind of sorted) {
    const covered = (dir: string) =>
      sorted.some((other) => other !== bind && (dir === other.dest || isInside(dir, other.dest)) && other.dest.length < bind.dest.length);
    const parents: string[] = [];
    for (
      let dir = path.dirname(bind.dest);
      !made.has(dir) && !covered(dir) && dir !== '/usr' && !isInside(dir, '/usr');
      dir = path.dirname(dir)
    )
      parents.unshift(dir);
    for (const dir of parents) {
      args.push('--perms', '0755', '--dir', dir);
      made.add(dir);
    }
    args.push(bind.readOnly ? '--ro-bind' : '--bind', bind.source, bind.dest);
    made.add(bind.dest);
  }
  return args;
}

/** The same destination twice: the writable one wins, the first source otherwise. */
function dedupe(binds: Bind[]): Bind[] {
  const byDest = new Map<string, Bind>();
  for (const bind of binds) {
    const seen = byDest.get(bind.dest);
    if (!seen || (seen.readOnly && !bind.readOnly)) byDest.set(bind.dest, bind);
  }
  return [...byDest.values()];
}
