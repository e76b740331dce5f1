/**
 * A third-party GA4GH WES server for tests: `wes-service` 5.0 from PyPI (the GA4GH reference
 * implementation), with its cwltool backend, on loopback.
 *
 * It is installed, once, into a venv in the machine's cache (test/support/python-peer.ts). Its
 * cwltool backend runs the
 * `cwltool` found on PATH (scripts/engines.sh), without Docker.
 * Each server runs in a temp dir of its own (its runs go to `<dir>/workflows`, its temp files to
 * `<dir>/tmp`), in a process group of its own, so that stopping it ends everything it started
 * (cwltool runs it started may outlive the server itself).
 */
import path from 'node:path';
import { freePort } from './free-port';
import { ensureVenvPackage, makePeerDir, startPeer } from './python-peer';

export const WES_SERVICE_VERSION = '5.0';

export interface WesService {
  /** e.g. http://127.0.0.1:PORT/ga4gh/wes/v1 */
  baseUrl: string;
  port: number;
  /** Where the server keeps its runs. */
  dir: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** The venv's wes-server, installing wes-service first when it is not there yet. */
export async function ensureWesService(): Promise<string> {
  const venv = await ensureVenvPackage({
    name: 'wes-service',
    spec: `wes-service==${WES_SERVICE_VERSION}`,
    executable: 'wes-server',
  });
  return path.join(venv, 'bin', 'wes-server');
}

export async function startWesService(options: { startTimeoutMs?: number } = {}): Promise<WesService> {
  const server = await ensureWesService();
  const port = await freePort();
  const dir = await makePeerDir('wes-service-');
  const baseUrl = `http://127.0.0.1:${port}/ga4gh/wes/v1`;
  const peer = await startPeer({
    name: 'wes-server',
    command: server,
    args: ['--backend=wes_service.cwl_runner', '--opt', 'runner=cwltool', '--opt', 'extra=--disable-color', `--port=${port}`],
    dir,
    readyUrl: `${baseUrl}/service-info`,
    startTimeoutMs: options.startTimeoutMs,
    stopGraceMs: 5000,
  });
  return { baseUrl, port, dir, output: peer.output, stop: peer.stop };
}
