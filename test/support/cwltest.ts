/**
 * The CWL conformance suite (test/fixtures/cwl-v1.2, vendored) run by cwltest, its own runner, with
 * any cwl-runner as its `--tool`: bare cwltool, or toil-wes-cwl-runner (Toil's WES client) against a
 * durable-wes. Both Python tools are installed once, pinned, into venvs of their own in the machine's
 * cache (test/support/python-peer.ts).
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

const run = promisify(execFile);

const cwltestVenvDir = () => ensureVenvPackage({ name: 'cwltest', spec: CWLTEST_SPEC, executable: 'cwltest' });

/** cwltest's and toil-wes-cwl-runner's executables, each venv made first when it is not there. */
export async function conformanceTools(): Promise<{ cwltest: string; toilWesRunner: string; toilBin: string }> {
  const cwltestVenv = await cwltestVenvDir();
  const toilVenv = await ensureVenvPackage({ name: 'toil-wes', spec: TOIL_SPEC, executable: 'toil-wes-cwl-runner' });
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
  /** `stopAfterMs`: cwltest is interrupted then, and reports the tests it finished (parseJunit). */
  options: { dir: string; jobs: number; timeoutSeconds: number; stopAfterMs?: number },
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
  const running = run(cwltest, args, { cwd: SUITE_DIR, env, maxBuffer: 256 * 1024 * 1024 });
  const stop = options.stopAfterMs === undefined ? undefined : setTimeout(() => running.child.kill('SIGINT'), options.stopAfterMs);
  try {
    await running.catch((err: unknown) => {
      // Non-zero when any test failed, or when interrupted; no report at all is cwltest's own failure.
      if (typeof (err as { code?: unknown }).code !== 'number') throw err;
    });
    return parseJunit(await readFile(junit, 'utf8'), selectedTests(await suiteTests(), selection));
  } finally {
    clearTimeout(stop);
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

interface SuiteTest {
  id: string;
  doc: string;
  tags: string[];
}

/**
 * The suite's tests, `$import`s (relative to the file that has them) read in place; read by the
 * YAML parser cwltest reads them with, from its venv (the suite's YAML is lenient where the
 * `yaml` package is strict).
 */
export async function suiteTests(): Promise<SuiteTest[]> {
  const python = path.join(await cwltestVenvDir(), 'bin', 'python');
  const { stdout } = await run(python, ['-c', READ_SUITE, path.join(SUITE_DIR, 'conformance_tests.yaml')], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as SuiteTest[];
}

const READ_SUITE = `
import json, os, sys
from ruamel.yaml import YAML
def load(file):
    tests = []
    for entry in YAML(typ="safe").load(open(file)):
        if "$import" in entry:
            tests += load(os.path.join(os.path.dirname(file), entry["$import"]))
        else:
            tests.append({"id": entry["id"], "doc": entry.get("doc", "").strip(), "tags": entry.get("tags", [])})
    return tests
print(json.dumps(load(sys.argv[1])))
`;

/** The tests cwltest runs of a selection, in its order: `-n` numbers count from 1 in the suite's order. */
export function selectedTests(suite: SuiteTest[], { numbers, tags, ids }: Selection): SuiteTest[] {
  let chosen = suite;
  if (numbers !== undefined) {
    const picked = new Set(
      numbers.split(',').flatMap((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
      }),
    );
    chosen = chosen.filter((_, index) => picked.has(index + 1));
  }
  if (tags !== undefined) chosen = chosen.filter((test) => test.tags.some((tag) => tags.includes(tag)));
  if (ids !== undefined) chosen = chosen.filter((test) => ids.includes(test.id));
  return chosen;
}

/**
 * cwltest's JUnit report (junit_xml): a testcase per test run, in the order of `tests`, the tests
 * picked, with a failure or skipped child when it did not pass. Matched by place: cwltest names a
 * picked test's case by the suite's test at the same place among all, not by the test. A cwltest
 * interrupted (SIGINT) reports the tests up to the first it had not finished: fewer.
 */
export function parseJunit(xml: string, tests: SuiteTest[]): TestResult[] {
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)];
  if (cases.length > tests.length) throw new Error(`cwltest reported ${cases.length} tests, more than the ${tests.length} picked`);
  return cases.map(([, , body = ''], index) => {
    const { id, tags } = tests[index];
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
