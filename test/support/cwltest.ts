/**
 * The CWL conformance suite (test/fixtures/cwl-v1.2, vendored) run by cwltest, its own runner, with
 * any cwl-runner as its `--tool`: bare cwltool, or toil-wes-cwl-runner (Toil's WES client) against a
 * durable-wes. Both Python tools are installed once, pinned, into venvs of their own under .cache/.
 * Used by `npm run conformance` (scripts/conformance/) and test/cwl-conformance.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureVenvPackage } from './python-peer';

const ROOT = path.resolve(__dirname, '../..');
export const SUITE_DIR = path.join(ROOT, 'test', 'fixtures', 'cwl-v1.2');
export const CWLTEST_SPEC = 'cwltest==2.7.20260814150058';
export const TOIL_SPEC = 'toil[cwl,server]==9.6.0';
const CWLTEST_VENV = path.join(ROOT, '.cache', 'cwltest-venv');
const TOIL_VENV = path.join(ROOT, '.cache', 'toil-wes-venv');

const run = promisify(execFile);

/** cwltest's and toil-wes-cwl-runner's executables, each venv made first when it is not there. */
export async function conformanceTools(): Promise<{ cwltest: string; toilWesRunner: string; toilBin: string }> {
  const cwltestVenv = await ensureVenvPackage({ venv: CWLTEST_VENV, spec: CWLTEST_SPEC, executable: 'cwltest' });
  const toilVenv = await ensureVenvPackage({ venv: TOIL_VENV, spec: TOIL_SPEC, executable: 'toil-wes-cwl-runner' });
  return {
    cwltest: path.join(cwltestVenv, 'bin', 'cwltest'),
    toilWesRunner: path.join(toilVenv, 'bin', 'toil-wes-cwl-runner'),
    toilBin: path.join(toilVenv, 'bin'),
  };
}

export type Outcome = 'passed' | 'failed' | 'unsupported';

export interface TestResult {
  id: string;
  tags: string[];
  outcome: Outcome;
  /** The first line of what cwltest said of a test that did not pass. */
  why?: string;
}

export interface Column {
  /** What the table calls it. */
  name: string;
  /** cwltest's `--tool`. */
  tool: string;
  /** What cwltest passes the tool after `--`. */
  toolArgs?: string[];
  /** Variables for the tool (its PATH). */
  env?: NodeJS.ProcessEnv;
}

export interface Selection {
  /** cwltest's `-n` (`1-10,17`) */
  numbers?: string;
  /** cwltest's `--tags` */
  tags?: string[];
  /** Test ids (cwltest's `-s`). */
  ids?: string[];
}

/**
 * One column: cwltest over the selected tests with `-j jobs`, its JUnit report in `dir`. cwltest exits
 * non-zero when a test fails: the report says which.
 */
export async function runColumn(
  cwltest: string,
  column: Column,
  selection: Selection,
  options: { dir: string; jobs: number; timeoutSeconds: number },
): Promise<TestResult[]> {
  await mkdir(options.dir, { recursive: true });
  // The tools' outdirs and temp files: cwltest makes them in TMPDIR.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cwltest-'));
  const junit = path.join(options.dir, 'junit.xml');
  const args = [
    '--test',
    'conformance_tests.yaml',
    '--tool',
    column.tool,
    '-j',
    String(options.jobs),
    '--timeout',
    String(options.timeoutSeconds),
    '--junit-xml',
    junit,
    ...(selection.numbers ? ['-n', selection.numbers] : []),
    ...(selection.tags ? ['--tags', selection.tags.join(',')] : []),
    ...(selection.ids ? ['-s', selection.ids.join(',')] : []),
    ...(column.toolArgs ? ['--', ...column.toolArgs] : []),
  ];
  const env = { ...process.env, ...column.env, TMPDIR: tmp, PYTHONWARNINGS: 'ignore' };
  try {
    await run(cwltest, args, { cwd: SUITE_DIR, env, maxBuffer: 256 * 1024 * 1024 }).catch((err: unknown) => {
      // Non-zero when any test failed; no report at all is cwltest's own failure.
      if (typeof (err as { code?: unknown }).code !== 'number') throw err;
    });
    return parseJunit(await readFile(junit, 'utf8'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const unescape = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (entity in named) return named[entity];
    return String.fromCodePoint(entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
  });

function attribute(tag: string, name: string): string | undefined {
  const found = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return found ? unescape(found[1]) : undefined;
}

/** cwltest's JUnit report (junit_xml): a testcase per test, `file` its id, `classname` its tags, a failure or skipped child when it did not pass. */
export function parseJunit(xml: string): TestResult[] {
  return [...xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((match) => {
    const [, tag, body = ''] = match;
    const id = attribute(tag, 'file') ?? attribute(tag, 'name') ?? '?';
    const tags = (attribute(tag, 'classname') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const failure = /<(?:failure|error)\b[^>]*>([\s\S]*?)<\/(?:failure|error)>/.exec(body);
    const skipped = /<skipped\b([^>]*)/.exec(body);
    const stderr = unescape(/<system-err>([\s\S]*?)<\/system-err>/.exec(body)?.[1] ?? '');
    if (failure) return { id, tags, outcome: 'failed', why: reason(unescape(failure[1]), stderr) };
    if (skipped) return { id, tags, outcome: 'unsupported', why: attribute(skipped[1], 'message') };
    return { id, tags, outcome: 'passed' };
  });
}

/**
 * Why a test failed, in a line: a WES error the client logged, else what cwltest said unless it
 * only says the tool exited non-zero, else the tool's last line of stderr.
 */
function reason(failure: string, stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const wesError = lines.find((line) => line.startsWith('ERROR:root:'));
  const said = failure.trim().split('\n')[0];
  const chosen = wesError ?? (said.includes('returned non-zero exit status') ? (lines.at(-1) ?? said) : said);
  return chosen.slice(0, 240);
}
