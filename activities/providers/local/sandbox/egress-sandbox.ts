/**
 * What a sandbox with egress gets (docs/design.md, "Egress of a sandboxed run"): still its own
 * network namespace, with only its loopback; on it a forwarder of ours (egress-forwarder.py, run by
 * the engine's python before the engine) relays each connection to the worker's proxy, whose
 * socket directory is bound in; the proxy variables name the forwarder. A tool that ignores them
 * has no network.
 */
import type { Logger } from '@temporalio/common';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../../repo-root';
import type { SandboxSettings } from '../settings';
import { egressDir, openEgress } from './egress-proxies';
import type { RunIdentity } from './host';
import { onPath, runtimeBinds, type Bind } from './mounts';

/** Bound read-only, alone, at its own path (as the engines' helper files are). */
export const EGRESS_FORWARDER = path.join(repoRoot, 'activities', 'providers', 'local', 'sandbox', 'egress-forwarder.py');
/** Where the proxy's socket directory is inside. */
const INSIDE_DIR = '/run/durable-wes/egress';
/** The forwarder's port on the sandbox's own loopback (squid's: what tools expect of a proxy). */
export const FORWARDER_PORT = 3128;

export interface EgressSandbox {
  binds: Bind[];
  env: Record<string, string>;
  /** Runs the forwarder, then the command that follows it. */
  prefix: string[];
}

/** The python that runs the forwarder: the engine's own (its bin dir is bound), else the system's. */
async function python(binDirs: string[]): Promise<{ python: string; binds: Bind[] }> {
  for (const dir of binDirs) {
    const candidate = path.join(dir, 'python3');
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return { python: candidate, binds: [] };
  }
  const found = await onPath('python3');
  if (!found) throw new Error('egress needs a python3 to run its forwarder in the sandbox: none beside the engine nor on PATH');
  return { python: found, binds: (await runtimeBinds(found)).binds };
}

const PROXY = `http://127.0.0.1:${FORWARDER_PORT}`;
/** The run's own servers on its loopback are reached directly. */
const NO_PROXY = 'localhost,127.0.0.1,::1';
/** Lower case is what curl and wget read for http; both cases for the rest. */
const PROXY_ENV: Record<string, string> = {
  http_proxy: PROXY,
  HTTP_PROXY: PROXY,
  https_proxy: PROXY,
  HTTPS_PROXY: PROXY,
  all_proxy: PROXY,
  ALL_PROXY: PROXY,
  no_proxy: NO_PROXY,
  NO_PROXY: NO_PROXY,
};

/** The variables of a sandbox with egress, which an engine passes on to its jobs. */
export const EGRESS_ENV = Object.keys(PROXY_ENV);

/** The run's proxy opened, and what its sandbox needs to reach it. */
export async function egressSandbox(
  run: { runId: string; processDir: string },
  settings: SandboxSettings,
  identity: RunIdentity,
  binDirs: string[],
  log: Logger,
): Promise<EgressSandbox> {
  await openEgress(run, settings, identity, log);
  const found = await python(binDirs);
  return {
    binds: [
      ...found.binds,
      { source: EGRESS_FORWARDER, dest: EGRESS_FORWARDER, readOnly: true },
      { source: egressDir(run.processDir), dest: INSIDE_DIR, readOnly: true },
    ],
    env: PROXY_ENV,
    // -I -S: none of the run's python settings or site-packages; the forwarder needs the standard library only.
    prefix: [found.python, '-I', '-S', EGRESS_FORWARDER, String(FORWARDER_PORT), `${INSIDE_DIR}/proxy.sock`, '--'],
  };
}

/** `cmd` without the forwarder in front of it. */
export function withoutForwarder(cmd: string[]): string[] {
  return cmd[3] === EGRESS_FORWARDER ? cmd.slice(cmd.indexOf('--') + 1) : cmd;
}
