/**
 * The egress proxies this worker process serves, one per run whose sandbox has egress, each on a
 * socket in the run's process dir (`process/egress/proxy.sock`: outside the sandbox, which sees the
 * directory alone, read-only, at a fixed path). Opened before the run's engine starts, opened again
 * by a worker that finds the run running after a restart (the sandbox sees the directory, so a new
 * socket there is seen inside), closed with the run: at its cleanup, or when a sweep finds it ended.
 */
import type { Logger } from '@temporalio/common';
import { chmod, chown, mkdir, open as openFile, rm, type FileHandle } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { SandboxSettings } from '../settings';
import { AddressPolicy } from '../../../fetch/address-policy';
import { DetachedProcess } from '../process';
import { EgressProxy } from './egress-proxy';
import type { RunIdentity } from './host';

interface Served {
  proxy: EgressProxy;
  /** The socket's directory, open while the proxy listens (below). */
  dir: FileHandle;
}

const proxies = new Map<string, Promise<Served | undefined>>();

export function egressDir(processDir: string): string {
  return path.join(processDir, 'egress');
}

const SOCKET = 'proxy.sock';

/**
 * The socket's path through the open directory: sockaddr_un holds 107 bytes of path, fewer than a
 * data dir's run may need. libuv unlinks a server's path when it closes it, so the directory stays
 * open (and its descriptor's number ours) while the proxy listens.
 */
const throughDir = (dir: FileHandle) => `/proc/self/fd/${dir.fd}/${SOCKET}`;

/** Whether a process (another worker of this host) serves the socket already. */
async function answers(dir: FileHandle): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(throughDir(dir));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function open(
  run: { runId: string; processDir: string },
  settings: SandboxSettings,
  identity: RunIdentity,
  log: Logger,
): Promise<Served | undefined> {
  const dirPath = egressDir(run.processDir);
  await mkdir(dirPath, { recursive: true });
  // The run's user passes through, lists nothing, and connects to its own socket alone.
  await chmod(dirPath, 0o711);
  const dir = await openFile(dirPath, 'r');
  try {
    if (await answers(dir)) {
      await dir.close();
      return undefined;
    }
    await rm(path.join(dirPath, SOCKET), { force: true });
    const proxy = new EgressProxy(
      run.runId,
      {
        policy: new AddressPolicy(settings.egressAllow),
        ports: settings.egressPorts,
        connections: settings.egressConnections,
        bytes: settings.egressBytes,
        idleMs: settings.egressIdleSeconds * 1000,
      },
      log,
    );
    await proxy.listen(throughDir(dir));
    await chmod(path.join(dirPath, SOCKET), 0o600);
    if (identity.dropsRoot) await chown(path.join(dirPath, SOCKET), identity.uid, identity.gid);
    return { proxy, dir };
  } catch (err) {
    await dir.close();
    throw err;
  }
}

/**
 * How often the proxies are checked against their runs: one whose run ended is closed even where
 * its cleanup ran in another worker process of the host.
 */
const SWEEP_MS = 30_000;
let sweeper: NodeJS.Timeout | undefined;

async function sweep(): Promise<void> {
  for (const dir of proxies.keys()) {
    const processDir = path.dirname(dir);
    const { phase } = await new DetachedProcess(processDir).inspect().catch(() => ({ phase: 'unknown' }));
    if (phase === 'exited' || phase === 'died') await closeEgress(processDir);
  }
  if (proxies.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Serves the run's proxy unless this process or another of the host does already. */
export async function openEgress(
  run: { runId: string; processDir: string },
  settings: SandboxSettings,
  identity: RunIdentity,
  log: Logger,
): Promise<void> {
  const key = egressDir(run.processDir);
  if (await proxies.get(key)?.catch(() => undefined)) return;
  const opening = open(run, settings, identity, log);
  proxies.set(key, opening);
  try {
    if (!(await opening)) proxies.delete(key);
    else sweeper ??= setInterval(() => void sweep().catch(() => undefined), SWEEP_MS).unref();
  } catch (err) {
    proxies.delete(key);
    throw err;
  }
}

/** Closes the run's proxy and its connections, if this process serves it; its socket goes with it. */
export async function closeEgress(processDir: string): Promise<void> {
  const key = egressDir(processDir);
  const served = await proxies.get(key)?.catch(() => undefined);
  proxies.delete(key);
  if (served) {
    await served.proxy.close();
    await served.dir.close();
  }
}
