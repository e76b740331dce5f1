/**
 * What a sandbox needs of this host (docs/design.md, "The sandbox of a local run"): bubblewrap that
 * can make namespaces, and the unprivileged user runs are run as. Checked once per process: the
 * worker checks at start-up and stops when there is none, saying how to fix it.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { LocalSettings } from '../settings';
import { describeSandbox } from './describe';

const run = promisify(execFile);

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

/** Who runs inside the sandbox, and whether getting there drops root (setpriv) or stays as the worker's own user. */
export interface RunIdentity {
  uid: number;
  gid: number;
  name: string;
  dropsRoot: boolean;
}

const FIX =
  'install bubblewrap (as root on Debian: apt-get install bubblewrap; scripts/engines.sh does it) and allow user namespaces ' +
  '(sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0), or set the local provider\'s "sandbox": "off" ' +
  'to run engines unconfined (docs/deployment.md)';

const isRoot = () => process.getuid?.() === 0;

/** This process's user and group ids; the local provider runs on POSIX hosts only, which have them. */
export function processIds(): { uid: number; gid: number } {
  if (!process.getuid || !process.getgid) throw new Error('local provider: this host has no POSIX user ids (process.getuid)');
  return { uid: process.getuid(), gid: process.getgid() };
}

/** The namespaces of every sandbox: as root no user namespace, since it would map to root outside (setpriv drops root instead). */
export function unshareArgs(): string[] {
  const common = ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  return isRoot() ? common : ['--unshare-user', ...common];
}

async function probe(env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(
      'bwrap',
      [
        '--ro-bind',
        '/usr',
        '/usr',
        '--symlink',
        'usr/bin',
        '/bin',
        '--symlink',
        'usr/lib',
        '/lib',
        '--symlink',
        'usr/lib64',
        '/lib64',
        '--proc',
        '/proc',
        '--dev',
        '/dev',
        ...unshareArgs(),
        '--die-with-parent',
        '--',
        '/usr/bin/true',
      ],
      {
        timeout: 10_000,
        env,
      },
    );
  } catch (err) {
    const { code, stderr } = err as NodeJS.ErrnoException & { stderr?: string };
    const why =
      code === 'ENOENT' ? 'bwrap (bubblewrap) is not on PATH' : `bwrap cannot make a sandbox here: ${(stderr ?? String(err)).trim()}`;
    throw new SandboxUnavailableError(`local provider: no sandbox for engines: ${why}. To fix: ${FIX}`);
  }
}

async function identity(user: string): Promise<RunIdentity> {
  if (!isRoot()) return { ...processIds(), name: os.userInfo().username, dropsRoot: false };
  const lookUp = async () => {
    const { stdout } = await run('getent', ['passwd', user]);
    const [, , uid, gid] = stdout.trim().split(':');
    return { uid: Number(uid), gid: Number(gid), name: user, dropsRoot: true };
  };
  try {
    return await lookUp();
  } catch {
    // scripts/engines.sh makes it; a worker started otherwise makes it itself.
    try {
      await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', user]);
    } catch (err) {
      // Another worker of this host may have made it meanwhile.
      return lookUp().catch(() => {
        throw new SandboxUnavailableError(
          `local provider: cannot create the user ${user} that runs run engines: ${(err as Error).message}`,
        );
      });
    }
    return lookUp();
  }
}

const checked = new Map<string, Promise<RunIdentity>>();

/** The identity runs get, once bubblewrap answered; a failure is not cached, so a fixed host is seen at the next try. */
export function sandboxHost(user: string, env: NodeJS.ProcessEnv = process.env): Promise<RunIdentity> {
  let found = checked.get(user);
  if (!found) {
    found = probe(env).then(() => identity(user));
    checked.set(user, found);
    found.catch(() => checked.delete(user));
  }
  return found;
}

/**
 * At a worker's start: every local provider's sandbox can be made here (the worker stops otherwise,
 * saying how to fix it), or the operator turned it off, which is said loudly.
 */
export async function checkSandbox(
  name: string,
  settings: LocalSettings,
  log: { info(message: string): void; warn(message: string): void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const described = describeSandbox(settings);
  if (settings.sandbox === 'off') {
    log.warn(`provider ${name}: sandbox ${described}`);
    return;
  }
  const { uid } = await sandboxHost(settings.sandbox.user, env);
  log.info(`provider ${name}: sandbox ${described} (uid ${uid})`);
}
