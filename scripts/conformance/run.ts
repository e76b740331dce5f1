/**
 * `npm run conformance`: the CWL v1.2 conformance suite (test/fixtures/cwl-v1.2) run by cwltest twice
 * at once, `-j 2` each: with bare cwltool, the executable the service's local provider runs, and
 * through durable-wes's API with toil-wes-cwl-runner as the tool, against a durable-wes this script
 * starts as a user would (bench/lib/product.ts: Temporal, PostgreSQL, API and worker). Writes each
 * column's results to scripts/conformance/results/ and the table to docs/conformance.md. With `-n`
 * or `--tags` it runs that subset, into .cache/conformance/, and leaves results and docs alone.
 * `--minutes N` interrupts cwltest after N minutes: the table then counts the tests both columns
 * finished. `--table` runs nothing: it reads the last full run's reports again and writes the table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CWLTOOL, CWLTOOL_CONTAINER_FLAGS } from '../../activities/providers/local/engines/cwltool';
import { engineExecutable } from '../../activities/providers/local/engines/engine-install';
import type { LocalSettings } from '../../activities/providers/local/settings';
import { loadConfig } from '../../src/config/config';
import { Product } from '../../bench/lib/product';
import { waitFor } from '../../bench/lib/time';
import {
  conformanceTools,
  parseJunit,
  runColumn,
  suiteTests,
  type Column,
  type Selection,
  type TestResult,
} from '../../test/support/cwltest';
import { writeConformanceDoc, type ConformanceRun } from './table';

const ROOT = path.resolve(__dirname, '../..');
export const RESULTS_DIR = path.join(__dirname, 'results');
const JOBS = 2;
const TIMEOUT_SECONDS = 600;

function selection(args: string[]): Selection {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at < 0 ? undefined : args[at + 1];
  };
  const tags = value('--tags');
  return { numbers: value('-n'), tags: tags?.split(',') };
}

/**
 * The cwltool the service's local provider runs by default (its venv, or the executable its setting
 * names, looked up on the PATH the product got), and the container flags the provider gives it.
 */
function serviceCwltool(env: NodeJS.ProcessEnv): { executable: string; flags: string[] } {
  const { providers } = loadConfig(env).providers;
  const local = Object.values(providers).find((settings): settings is LocalSettings => settings.kind === 'local');
  if (!local) throw new Error('conformance: the product has no local provider');
  const configured = engineExecutable(local, CWLTOOL, CWLTOOL.releases.default);
  const executable = execFileSync('bash', ['-c', 'command -v "$1"', 'bash', configured], { env, encoding: 'utf8' }).trim();
  return { executable, flags: CWLTOOL_CONTAINER_FLAGS[local.containers] };
}

function versionOf(executable: string): string {
  return execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop() ?? '?';
}

/** The last full run's summary, its columns read again from their JUnit reports. */
async function tableOnly(): Promise<void> {
  const run = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'summary.json'), 'utf8')) as ConformanceRun;
  const suite = await suiteTests();
  for (const column of run.columns)
    column.results = parseJunit(readFileSync(path.join(RESULTS_DIR, column.name, 'junit.xml'), 'utf8'), suite);
  writeFileSync(path.join(RESULTS_DIR, 'summary.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeConformanceDoc(run);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--table')) return tableOnly();
  const subset = selection(args);
  const minutes = args.includes('--minutes') ? args[args.indexOf('--minutes') + 1] : undefined;
  const full = subset.numbers === undefined && subset.tags === undefined;
  const resultsDir = full ? RESULTS_DIR : path.join(ROOT, '.cache', 'conformance');
  const tools = await conformanceTools();
  if (!args.includes('--no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  console.log('conformance: starting durable-wes (node dist/src/main.js)');
  const product = await Product.start();
  let ok = false;
  try {
    const { executable: cwltool, flags } = serviceCwltool(product.env);
    const version = versionOf(cwltool);
    // The worker reports its engines once it has started (docs/design.md, "What the API advertises").
    const served = await waitFor('the worker to report cwltool in service-info', () => servedCwltool(product.wes.base), 120_000, 500);
    if (served[0] !== version) throw new Error(`bare ${cwltool} is ${version}, the service runs ${served[0] ?? 'no cwltool'} by default`);
    const columns: Column[] = [
      // With the flags the service gives it for its containers setting (--no-container by default).
      { name: 'cwltool', tool: cwltool, toolArgs: flags },
      {
        name: 'toil-wes-cwl-runner',
        tool: tools.toilWesRunner,
        toolArgs: [`--wes_endpoint=${new URL(product.wes.base).origin}`],
        // Its own cwltool (`--print-deps`) finds what to upload.
        env: { PATH: `${tools.toilBin}${path.delimiter}${process.env.PATH ?? ''}` },
      },
    ];
    console.log(`conformance: cwltool ${version} (${cwltool}) bare and through the API, -j ${JOBS} each, at once`);
    const started = Date.now();
    const results = await Promise.all(
      columns.map((column) =>
        runColumn(tools.cwltest, column, subset, {
          dir: path.join(resultsDir, column.name),
          jobs: JOBS,
          timeoutSeconds: TIMEOUT_SECONDS,
          stopAfterMs: minutes === undefined ? undefined : Number(minutes) * 60_000,
        }),
      ),
    );
    const run: ConformanceRun = {
      date: new Date().toISOString(),
      revision: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
      cwltoolVersion: version,
      durationS: Math.round((Date.now() - started) / 1000),
      columns: columns.map((column, index) => ({ name: column.name, results: results[index] })),
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify(run, null, 2)}\n`);
    for (const column of run.columns)
      console.log(`  ${column.name}: ${count(column.results, 'passed')} of ${column.results.length} passed`);
    if (full) writeConformanceDoc(run);
    console.log(
      `conformance: done in ${run.durationS} s; results in ${path.relative(ROOT, resultsDir)}/${full ? ', table in docs/conformance.md' : ''}`,
    );
    ok = true;
  } finally {
    await product.stop(ok);
    if (!ok) console.error(`conformance: the product's data dir and log are kept in ${product.dataDir}`);
  }
}

async function servedCwltool(base: string): Promise<string[] | undefined> {
  const info = (await (await fetch(`${base}/service-info`)).json()) as {
    workflow_engine_versions?: Partial<Record<string, { workflow_engine_version?: string[] }>>;
  };
  return info.workflow_engine_versions?.cwltool?.workflow_engine_version;
}

const count = (results: TestResult[], outcome: TestResult['outcome']) => results.filter((result) => result.outcome === outcome).length;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('conformance:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
