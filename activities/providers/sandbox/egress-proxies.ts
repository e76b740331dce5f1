/**
 * The egress proxies this worker process serves, one per run whose sandbox has egress, each on a
 * socket in the run's process dir (`process/egress/proxy.sock`: outside the sandbox, which sees the
 * directory alone, read-only, at a fixed path). Opened before the run's engine starts, opened again
 * by a worker that finds the run running after a restart (the sandbox sees the directory, so a new
 * socket there is seen inside), closed with the run.
 */
import type { Logger } from '@temporalio/common';
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { SandboxSettings } from '../config';
import { AddressPolicy } from '../../fetch/address-policy';
import { EgressProxy } from './egress-proxy';
import type { RunIdentity } from './host';

/** sockaddr_un holds 108 bytes, the last a NUL. */
const MAX_SOCKET_PATH = 107;

const proxies = new Map<string, Promise<EgressProxy | undefined>>();

export function egressDir(processDir: string): string {
  return path.join(processDir, 'egress');
}

function socketOf(processDir: string): string {
  return path.join(egressDir(processDir), 'proxy.sock');
}

/** Whether a process (another worker of this host) serves the socket already. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function open(run: { runId: string; processDir: string }, settings: SandboxSettings, identity: RunIdentity, log: Logger): Promise<EgressProxy | undefined> {
  const socketPath = socketOf(run.processDir);
  if (socketPath.length > MAX_SOCKET_PATH) {
    throw new Error(`the egress socket ${socketPath} is longer than a unix socket's ${MAX_SOCKET_PATH} bytes: use a shorter data dir`);
  }
  if (await answers(socketPath)) return undefined;
  const dir = egressDir(run.processDir);
  await mkdir(dir, { recursive: true });
  // The run's user passes through, lists nothing, and connects to its own socket alone.
  await chmod(dir, 0o711);
  await rm(socketPath, { force: true });
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
  await proxy.listen(socketPath);
  await chmod(socketPath, 0o600);
  if (identity.dropsRoot) await chown(socketPath, identity.uid, identity.gid);
  return proxy;
}

/** Serves the run's proxy unless this process or another of the host does already. */
export async function openEgress(run: { runId: string; processDir: string }, settings: SandboxSettings, identity: RunIdentity, log: Logger): Promise<void> {
  const key = socketOf(run.processDir);
  const served = await proxies.get(key);
  if (served) return;
  const opening = open(run, settings, identity, log);
  proxies.set(key, opening);
  try {
    if (!(await opening)) proxies.delete(key);
  } catch (err) {
    proxies.delete(key);
    throw err;
  }
}

/** Closes the run's proxy and its connections, if this process serves it, and removes its socket. */
export async function closeEgress(processDir: string): Promise<void> {
  const key = socketOf(processDir);
  const proxy = await proxies.get(key)?.catch(() => undefined);
  proxies.delete(key);
  if (proxy) {
    await proxy.close();
    await rm(key, { force: true });
  }
}
