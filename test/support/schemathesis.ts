/**
 * Schemathesis (property-based testing of an API from its OpenAPI document), pinned, from PyPI,
 * installed once into a venv in the machine's cache (SCHEMATHESIS_VENV overrides the place), as the
 * tests' other Python peers are (test/support/python-peer.ts). Our own checks and hooks (schemathesis-hooks.py)
 * are loaded into every run.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ensureVenvPackage } from './python-peer';

export const SCHEMATHESIS_VERSION = '4.32.5';
const HOOKS_FILE = path.join(__dirname, 'schemathesis-hooks.py');

/**
 * How much to fuzz: `ci` (the default, in `npm test`) a few examples per operation; `full`
 * (FUZZ_PROFILE=full, `npm run fuzz`) many, with the reports kept under `.cache/fuzz/`.
 */
export interface FuzzProfile {
  name: 'ci' | 'full';
  examplesPerOperation: number;
  /** A bound on one schemathesis run: past it, it is killed and the test fails. */
  timeoutMs: number;
  /** Where the reports go; undefined: a temp dir of the test's. */
  reportDir?: string;
}

export function fuzzProfile(): FuzzProfile {
  const name = process.env.FUZZ_PROFILE ?? 'ci';
  if (name === 'ci') return { name, examplesPerOperation: 10, timeoutMs: 150_000 };
  if (name === 'full')
    return { name, examplesPerOperation: 100, timeoutMs: 1_800_000, reportDir: path.resolve(__dirname, '../../.cache/fuzz') };
  throw new Error(`FUZZ_PROFILE must be ci or full, not ${name}`);
}

export interface SchemathesisResult {
  /** The exit code; 0 when every check held. */
  code: number;
  /** What it printed: its report, with the failures and how to reproduce them. */
  output: string;
}

/** The venv's schemathesis, installing it first when it is not there yet. */
export async function ensureSchemathesis(): Promise<string> {
  const venv = await ensureVenvPackage({
    name: 'schemathesis',
    venv: process.env.SCHEMATHESIS_VENV,
    spec: `schemathesis==${SCHEMATHESIS_VERSION}`,
    executable: 'schemathesis',
  });
  return path.join(venv, 'bin', 'schemathesis');
}

/** Runs `schemathesis <args>` to its end (or until `timeoutMs`, then it is killed). */
export async function runSchemathesis(args: string[], timeoutMs: number): Promise<SchemathesisResult> {
  const executable = await ensureSchemathesis();
  return new Promise((resolve) => {
    execFile(
      executable,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1', PYTHONWARNINGS: 'ignore', SCHEMATHESIS_HOOKS: HOOKS_FILE },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: `${stdout}${stderr}${error?.killed ? `\nkilled after ${timeoutMs} ms` : ''}` });
      },
    );
  });
}

/** The summary line of a run's output: `566 generated, 566 passed`, or what it says instead. */
export function testCases(output: string): string | undefined {
  return /Test cases:\s*\n\s*(.+)/.exec(output)?.[1].trim();
}

/** The links the stateful phase followed: `12 covered / 32 selected / 32 total (32 inferred)`. */
export function apiLinks(output: string): string | undefined {
  return /API Links:\s*(.+)/.exec(output)?.[1].trim();
}
