/**
 * Schemathesis (property-based testing of an API from its OpenAPI document), pinned, from PyPI,
 * installed once into a venv under `.cache/schemathesis-venv` (SCHEMATHESIS_VENV overrides the
 * place), as the tests' other Python peers are.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ensureVenvPackage } from './python-peer';

export const SCHEMATHESIS_VERSION = '4.32.5';
export const SCHEMATHESIS_VENV = process.env.SCHEMATHESIS_VENV ?? path.resolve(__dirname, '../../.cache/schemathesis-venv');

export interface SchemathesisResult {
  /** The exit code; 0 when every check held. */
  code: number;
  /** What it printed: its report, with the failures and how to reproduce them. */
  output: string;
}

/** The venv's schemathesis, installing it first when it is not there yet. */
export async function ensureSchemathesis(): Promise<string> {
  const venv = await ensureVenvPackage({ venv: SCHEMATHESIS_VENV, spec: `schemathesis==${SCHEMATHESIS_VERSION}`, executable: 'schemathesis' });
  return path.join(venv, 'bin', 'schemathesis');
}

/** Runs `schemathesis <args>` to its end (or until `timeoutMs`, then it is killed). */
export async function runSchemathesis(args: string[], timeoutMs: number): Promise<SchemathesisResult> {
  const executable = await ensureSchemathesis();
  return new Promise((resolve) => {
    execFile(
      executable,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', PYTHONWARNINGS: 'ignore' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: `${stdout}${stderr}${error?.killed ? `\nkilled after ${timeoutMs} ms` : ''}` });
      },
    );
  });
}
