/**
 * A second third-party GA4GH WES server for tests: `sapporo` 2.4.0 from PyPI (DDBJ's sapporo-service,
 * a FastAPI app), on loopback.
 *
 * It is installed, once, into a venv in the machine's cache (test/support/python-peer.ts;
 * SAPPORO_VENV overrides the place).
 *
 * sapporo starts every run as `/bin/bash <run.sh> <run_dir>`, and its own run.sh runs each engine in
 * Docker. There is no Docker engine here, so it is given `test/support/sapporo/run.sh` instead
 * (--run-sh): the same contract, with cwltool run from PATH; that script needs `python3`, and
 * `sapporo-cli` from the venv (put first on PATH). Its service-info is
 * ours too (--service-info): CWL only, and the cwltool version that is installed, not the one of
 * sapporo's image.
 *
 * Each server runs in a temp dir of its own (runs and sapporo.db in `<dir>/runs`, temp files in
 * `<dir>/tmp`), in a process group of its own. Stopping it sends SIGTERM to that group: run.sh stops
 * the engine of a run still going (it runs in a process group of its own), so `stop` waits for the
 * group to empty before it sends SIGKILL.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { ensureVenvPackage, makePeerDir, startPeer } from './python-peer';

export const SAPPORO_VERSION = '2.4.0';
/** The run script sapporo is started with: cwltool from PATH instead of cwltool in Docker. */
export const SAPPORO_RUN_SH = path.join(__dirname, 'sapporo', 'run.sh');
/** Seconds run.sh leaves an engine between SIGTERM and SIGKILL (sapporo's default is 30). */
export const SAPPORO_CANCEL_GRACE_SECONDS = 3;
/** sapporo serves its API under this prefix (and, FastAPI's root_path being lenient, without it). */
const URL_PREFIX = '/ga4gh/wes/v1';

export interface Sapporo {
  /** e.g. http://127.0.0.1:PORT/ga4gh/wes/v1 */
  baseUrl: string;
  port: number;
  /** The server's temp dir; its runs are in `<dir>/runs/<id[0:2]>/<id>`. */
  dir: string;
  /** The cwltool version its service-info advertises (the one installed). */
  cwltoolVersion: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** The venv's sapporo, installing it first when it is not there yet. */
export async function ensureSapporo(): Promise<string> {
  const venv = await ensureVenvPackage({
    name: 'sapporo',
    venv: process.env.SAPPORO_VENV,
    spec: `sapporo==${SAPPORO_VERSION}`,
    executable: 'sapporo',
    python: process.env.SAPPORO_PYTHON,
  });
  return path.join(venv, 'bin', 'sapporo');
}

/** The installed cwltool's version ("/usr/bin/cwltool 3.1.20230209161050" → "3.1.20230209161050"). */
async function cwltoolVersion(): Promise<string> {
  const { stdout } = await run('cwltool', ['--version']);
  return stdout.trim().split(/\s+/).pop() ?? 'unknown';
}

export async function startSapporo(options: { startTimeoutMs?: number } = {}): Promise<Sapporo> {
  const server = await ensureSapporo();
  // run.sh needs it; better said now than as a run's SYSTEM_ERROR.
  const version = await cwltoolVersion();
  const port = await freePort();
  const dir = await makePeerDir('sapporo-');
  const runs = path.join(dir, 'runs');
  // sapporo opens <run-dir>/sapporo.db at start-up and does not make the dir itself.
  await mkdir(runs);
  const serviceInfo = path.join(dir, 'service-info.json');
  await writeFile(
    serviceInfo,
    JSON.stringify({
      workflow_type_versions: { CWL: { workflow_type_version: ['v1.0', 'v1.1', 'v1.2'] } },
      supported_filesystem_protocols: ['file', 'http', 'https'],
      workflow_engine_versions: { cwltool: { workflow_engine_version: [version] } },
      default_workflow_engine_parameters: {},
    }),
  );

  // Only our settings: SAPPORO_* from the environment would reconfigure it.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SAPPORO_')) env[key] = value;
  env.PATH = `${path.dirname(server)}${path.delimiter}${process.env.PATH ?? ''}`;

  const baseUrl = `http://127.0.0.1:${port}${URL_PREFIX}`;
  const peer = await startPeer({
    name: 'sapporo',
    command: server,
    args: [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--url-prefix',
      URL_PREFIX,
      '--run-dir',
      runs,
      '--run-sh',
      SAPPORO_RUN_SH,
      '--service-info',
      serviceInfo,
      '--cancel-grace-seconds',
      String(SAPPORO_CANCEL_GRACE_SECONDS),
    ],
    dir,
    env,
    readyUrl: `${baseUrl}/service-info`,
    startTimeoutMs: options.startTimeoutMs,
    // run.sh of a run still going stops its engine (SIGTERM, then SIGKILL after the grace) and
    // records SYSTEM_ERROR: it is given that long, and a little more, before everything is killed.
    stopGraceMs: (SAPPORO_CANCEL_GRACE_SECONDS + 5) * 1000,
    letGroupFinish: true,
  });
  return { baseUrl, port, dir, cwltoolVersion: version, output: peer.output, stop: peer.stop };
}
