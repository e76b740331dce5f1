/**
 * The sandbox of a local run's engine (docs/design.md, "The sandbox of a local run"): the argv that
 * runs a command inside it, built from the run's paths, the provider's settings and this host.
 *
 *   sh ENTER (engine slot, cgroups, watcher; sandbox/enter.ts)
 *     prlimit (the limits no cgroup enforces, and the size of one file)
 *       bwrap (namespaces: mount, pid, net, ipc, uts; a file system of read-only binds)
 *         setpriv (as root only: the run's own unprivileged user, no capabilities, no_new_privs)
 *           egress-forwarder.py (with egress only: the way to the worker's proxy; egress-sandbox.ts)
 *             the command
 *
 * bwrap runs as the worker's user: as root it binds what the run's user could not reach (a venv's
 * python under /root) and makes no user namespace, which would map the run to root outside; the run
 * becomes its unprivileged user only inside, by setpriv. Not as root, bwrap makes a user namespace
 * of the worker's own uid, and drops every capability and sets no_new_privs itself.
 */
import { createHash } from 'node:crypto';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { activityLog } from '../../../activity-log';
import type { SandboxSettings } from '../settings';
import { createRunCgroups, type RunCgroups } from './cgroups';
import { egressSandbox, withoutForwarder } from './egress-sandbox';
import { ENTER_NAME, enterArgv, type EngineSlots } from './enter';
import { unshareArgs, type RunIdentity } from './host';
import { bindArgs, runtimeBinds, systemArgs, type Bind } from './mounts';

export type { Bind } from './mounts';

export interface SandboxRequest {
  runId: string;
  /** The run's work dir: the command's cwd, at the same path inside. */
  workDir: string;
  /** The run's process dir (local/process.ts): outside the sandbox, it holds what the sandbox is made of. */
  processDir: string;
  /** Paths bound read-only at their own paths: staged inputs, workflow roots, an engine's helper scripts. */
  readOnly: string[];
  /** Directories the run writes, at their own paths, given to the run's user. */
  writable: string[];
  /** Where HOME and TMPDIR point inside; made, and writable. */
  home: string;
  tmpDir: string;
  /** Programs the command runs whose interpreters must be there (the engine's executable). */
  programs: string[];
  /** Anything else a caller needs inside (the warm client, its python, its server's socket). */
  extraBinds?: Bind[];
  /** The slots a run waits for before it starts (sandbox/enter.ts). */
  slots: EngineSlots;
  settings: SandboxSettings;
  identity: RunIdentity;
  /** The environment the allow-list picks from: the worker's. */
  hostEnv?: NodeJS.ProcessEnv;
}

export interface Sandbox {
  /** What to launch: the whole chain, ending in the command. */
  argv: string[];
  /** The environment the command gets inside (bwrap clears the rest). */
  env: Record<string, string>;
  /** The run's cgroups (to join, read after the run, and remove at cleanup). */
  cgroups: RunCgroups;
  /** The limits set as rlimits (prlimit's options), beyond what the cgroups hold. */
  rlimits: string[];
  identity: RunIdentity;
}

const ALWAYS_PASSED = ['LANG', 'LC_ALL'];

/** PATH, HOME, TMPDIR, the locale, and what the settings name; nothing else of the worker's. */
function environment(request: SandboxRequest, binDirs: string[]): Record<string, string> {
  const hostEnv = request.hostEnv ?? process.env;
  const env: Record<string, string> = {
    PATH: [...new Set([...binDirs, '/usr/local/bin', '/usr/bin', '/bin'])].join(':'),
    HOME: request.home,
    TMPDIR: request.tmpDir,
    USER: request.identity.name,
    LOGNAME: request.identity.name,
    LANG: 'C.UTF-8',
  };
  for (const name of [...ALWAYS_PASSED, ...request.settings.env]) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Only the run's user and group exist inside. */
async function identityFiles(request: SandboxRequest): Promise<Bind[]> {
  const { uid, gid, name } = request.identity;
  const passwd = path.join(request.processDir, 'sandbox-passwd');
  const group = path.join(request.processDir, 'sandbox-group');
  await writeFile(passwd, `${name}:x:${uid}:${gid}:durable-wes run:${request.home}:/bin/sh\n`);
  await writeFile(group, `${name}:x:${gid}:\n`);
  return [
    { source: passwd, dest: '/etc/passwd', readOnly: true },
    { source: group, dest: '/etc/group', readOnly: true },
  ];
}

/** Everything `cmd` needs to run sandboxed: directories made and given to the run's user, cgroups made. */
export async function sandboxCommand(request: SandboxRequest, cmd: string[]): Promise<Sandbox> {
  const { settings, identity } = request;
  await mkdir(request.processDir, { recursive: true });
  for (const dir of [...request.writable, request.home, request.tmpDir]) {
    await mkdir(dir, { recursive: true });
    if (identity.dropsRoot) await chown(dir, identity.uid, identity.gid);
  }
  const runtimes = await Promise.all(request.programs.map((program) => runtimeBinds(program)));
  const binDirs = runtimes.flatMap((runtime) => (runtime.binDir ? [runtime.binDir] : []));
  // Its proxy opened before the engine can start: the forwarder finds it at the first connection.
  const egress = settings.egress ? await egressSandbox(request, settings, identity, binDirs, activityLog()) : undefined;
  const binds: Bind[] = [
    ...runtimes.flatMap((runtime) => runtime.binds),
    ...request.readOnly.map((source) => ({ source, dest: source, readOnly: true })),
    ...[...request.writable, request.home, request.tmpDir].map((source) => ({ source, dest: source, readOnly: false })),
    ...(await identityFiles(request)),
    ...(request.extraBinds ?? []),
    ...(egress?.binds ?? []),
  ];
  const env = { ...environment(request, binDirs), ...egress?.env };
  const bwrap = [
    'bwrap',
    '--die-with-parent',
    ...unshareArgs(),
    ...(await systemArgs(settings.memory)),
    ...bindArgs(binds),
    '--chdir',
    request.workDir,
    '--clearenv',
    ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
    '--',
  ];
  const dropRoot = identity.dropsRoot
    ? [
        'setpriv',
        '--reuid',
        String(identity.uid),
        '--regid',
        String(identity.gid),
        '--clear-groups',
        '--no-new-privs',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--',
      ]
    : [];
  // Named by the work dir too: workers of other data dirs on this host may use the same run ids (tests do).
  const cgroups = await createRunCgroups(
    `${request.runId}-${createHash('sha256').update(request.workDir).digest('hex').slice(0, 12)}`,
    settings,
  );
  const rlimits = [
    // One file may not outgrow the run's disk; a core dump of a big job would.
    `--fsize=${settings.disk}`,
    '--core=0',
    ...(cgroups.memory ? [] : [`--as=${settings.memory}`]),
    // Counted per real uid: without a pids cgroup, every run of the user shares this number.
    ...(cgroups.pids ? [] : [`--nproc=${settings.processes}`]),
  ];
  const argv = enterArgv(
    {
      processDir: request.processDir,
      slots: request.slots,
      cgroups: Object.values(cgroups),
      watched: { dir: request.workDir, bytes: settings.disk },
      wallSeconds: settings.wallTimeSeconds ?? 0,
    },
    ['prlimit', ...rlimits, '--', ...bwrap, ...dropRoot, ...(egress?.prefix ?? []), ...cmd],
  );
  return { argv, env, cgroups, rlimits, identity };
}

/** The command of a launch without what stands around it (the command itself when nothing does). */
export function unsandboxed(cmd: string[]): string[] {
  if (cmd[3] !== ENTER_NAME) return cmd;
  // enterArgv's positional parameters, then the cgroups up to the second `--`.
  let rest = cmd.slice(cmd.indexOf('--', cmd.indexOf('--', 12) + 1) + 1);
  // prlimit's, bwrap's and setpriv's own options each end at their `--`.
  for (const wrapper of ['prlimit', 'bwrap', 'setpriv']) if (rest[0] === wrapper) rest = rest.slice(rest.indexOf('--') + 1);
  return withoutForwarder(rest);
}
