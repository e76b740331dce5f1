/**
 * `rocrate-validator` (roc-validator on PyPI, CRS4's RO-Crate validator) for tests: installed once
 * into a venv in the machine's cache (test/support/python-peer.ts; ROC_VALIDATOR_VENV overrides the place), run
 * --offline against an HTTP cache seeded from test/fixtures/ro-crate-contexts/ with the JSON-LD
 * contexts a crate names, so that nothing is downloaded while it validates.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureVenvPackage } from '../python-peer';

const root = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

export const ROC_VALIDATOR_VERSION = '0.13.0';
const CONTEXTS = path.join(root, 'test', 'fixtures', 'ro-crate-contexts');
const CONTEXT_FILES: Record<string, string> = {
  'https://w3id.org/ro/crate/1.1/context': 'ro-crate-1.1.jsonld',
  'https://w3id.org/ro/terms/workflow-run/context': 'workflow-run.jsonld',
};

export interface ValidationIssue {
  severity: string;
  message: string;
  check: string;
  entity: string;
}

export interface Validation {
  passed: boolean;
  issues: ValidationIssue[];
  /** The profiles it checked, the named one and those it extends. */
  profiles: string[];
}

interface Report {
  passed: boolean;
  issues: Array<{ severity: string; message: string; violatingEntity: string; check: { identifier: string } }>;
  statistics: { profiles: string[] };
}

/** Validates the crate unpacked in `dir` against `profile` (a validator profile id), every REQUIRED check. */
export async function validateCrate(dir: string, profile = 'workflow-run-crate-0.5'): Promise<Validation> {
  const venv = await ensureVenvPackage({
    name: 'roc-validator',
    venv: process.env.ROC_VALIDATOR_VENV,
    spec: `roc-validator==${ROC_VALIDATOR_VERSION}`,
    executable: 'rocrate-validator',
  });
  const work = await mkdtemp(path.join(os.tmpdir(), 'roc-validator-'));
  try {
    const cache = path.join(work, 'http-cache');
    const seeds = Object.entries(CONTEXT_FILES).map(([url, file]) => `${url}=${path.join(CONTEXTS, file)}`);
    await run(path.join(venv, 'bin', 'python'), [path.join(__dirname, 'seed-cache.py'), cache, ...seeds]);
    const reportFile = path.join(work, 'report.json');
    const args = ['-y', '--disable-color', 'validate', '--offline', '--cache-path', cache, '-p', profile];
    await run(path.join(venv, 'bin', 'rocrate-validator'), [...args, '-l', 'required', '-f', 'json', '-o', reportFile, dir], {
      env: { ...process.env, HOME: work },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: unknown) => {
      // It exits non-zero when the crate fails; the report says why. No report: it broke.
      const failed = err as Error & { stdout?: string; stderr?: string };
      return readFile(reportFile).catch(() => {
        throw new Error(`rocrate-validator wrote no report: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
      });
    });
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as Report;
    return {
      passed: report.passed,
      issues: report.issues.map((issue) => ({
        severity: issue.severity,
        message: issue.message,
        check: issue.check.identifier,
        entity: issue.violatingEntity,
      })),
      profiles: report.statistics.profiles,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
