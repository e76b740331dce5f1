/**
 * `npm run bench [-- FIGURE...] [--no-build] [--quick]`: builds, starts durable-wes as a user would,
 * runs the figures (all, or those named) against it one after another, writes
 * bench/results/<figure>.json and regenerates the tables of docs/benchmarks.md. Exits non-zero when
 * a figure could not be measured; a missed target is a result, not an error. `--quick` runs small
 * sizes into .cache/bench-quick/ and leaves bench/results/ and docs/ alone. `--sandbox-off` measures
 * the product with its local provider's sandbox off (docs/security.md), into bench/results/sandbox-off/,
 * to set beside the figures measured with it on; docs/ is left alone.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startFloor } from './floor/floor';
import { cluster } from './figures/cluster';
import { history } from './figures/history';
import { memory } from './figures/memory';
import { overhead } from './figures/overhead';
import { recovery } from './figures/recovery';
import { sapporo } from './figures/sapporo';
import { signals } from './figures/signals';
import { snakemake } from './figures/snakemake';
import { tasks } from './figures/tasks';
import { throughput } from './figures/throughput';
import { wdl } from './figures/wdl';
import { CHARTS_DIR, drawChart } from './lib/chart';
import { writeDoc } from './lib/doc';
import type { BenchContext, Figure } from './lib/figure';
import { Product } from './lib/product';
import { loadAverage, machine, RESULTS_DIR, revision, shown, writeResult, type FigureResult } from './lib/report';
import { round } from './lib/stats';
import { REPO_ROOT } from './lib/temporal-dev';
import { now } from './lib/time';

/** In the documented order. */
const FIGURES: Figure[] = [throughput, overhead, history, tasks, recovery, sapporo, memory, signals, cluster, snakemake, wdl];
/**
 * The order they run in: recovery after those that need the server it kills undisturbed, and
 * memory last, since it leaves thousands of runs waiting for input.
 */
const RUN_ORDER: Figure[] = [throughput, overhead, snakemake, wdl, history, tasks, sapporo, signals, recovery, memory];
/** Run only when named: the cluster builds Temporal's server from source the first time (minutes). */
const ON_REQUEST: Figure[] = [cluster];
/**
 * A bound on the whole bench: a hung product must not hang CI. 15 minutes sufficed for figures 1 to
 * 5; seeding 100k runs into each read model, and making 10,000 runs wait and then resuming them all
 * at once (figure 7, 30 to 60 minutes on 2 cores), take most of the rest.
 */
const BENCH_TIMEOUT_MS = 120 * 60_000;

const OPTIONS = ['--no-build', '--quick', '--sandbox-off'];
const QUICK_DIR = path.join(REPO_ROOT, '.cache', 'bench-quick');

function selectFigures(args: string[]): Figure[] {
  const options = args.filter((arg) => arg.startsWith('--'));
  const unknownOptions = options.filter((option) => !OPTIONS.includes(option));
  if (unknownOptions.length) throw new Error(`unknown option ${unknownOptions.join(', ')}; the options are ${OPTIONS.join(', ')}`);
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !FIGURES.some((figure) => figure.name === name));
  if (unknown.length) throw new Error(`unknown figure ${unknown.join(', ')}; the figures are ${FIGURES.map((f) => f.name).join(', ')}`);
  return names.length ? [...RUN_ORDER, ...ON_REQUEST].filter((figure) => names.includes(figure.name)) : RUN_ORDER;
}

async function runFigure(figure: Figure, context: BenchContext): Promise<FigureResult> {
  console.log(`bench: ${figure.name}: ${figure.title}`);
  const date = new Date().toISOString();
  const started = now();
  const loadAtStart = loadAverage();
  const base = { figure: figure.name, title: figure.title, date, revision: revision(), machine: machine() };
  const end = () => ({ duration_s: round((now() - started) / 1000), load_average: { start: loadAtStart, end: loadAverage() } });
  try {
    const outcome = await figure.run(context);
    return { ...base, ...end(), ...outcome };
  } catch (err) {
    // Written all the same, so the document never shows an older figure as if it were this run's.
    return { ...base, ...end(), measures: [], failures: [`figure failed: ${(err as Error).message}`], details: {} };
  }
}

function print(result: FigureResult): void {
  for (const m of result.measures) {
    const against = m.baseline ? ` vs ${shown(m.baseline.value)} (${m.baseline.name}): ratio ${shown(m.ratio)}` : '';
    const verdict = m.met === undefined ? '' : m.met ? '  [target met]' : '  [target missed]';
    console.log(`  ${m.name}: ${shown(m.value)} ${m.unit}${against}${verdict}`);
  }
  for (const failure of result.failures) console.log(`  failure: ${failure}`);
  console.log(`  (${result.duration_s} s, load average ${result.load_average.start} → ${result.load_average.end})`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const figures = selectFigures(args);
  const quick = args.includes('--quick');
  const sandboxOff = args.includes('--sandbox-off');
  const resultsDir = quick ? path.join(QUICK_DIR, 'results') : sandboxOff ? path.join(RESULTS_DIR, 'sandbox-off') : RESULTS_DIR;
  const chartsDir = quick ? path.join(QUICK_DIR, 'charts') : CHARTS_DIR;
  const started = now();
  if (!args.includes('--no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });

  console.log(`bench: starting durable-wes (node dist/src/main.js)${sandboxOff ? ', its local provider unsandboxed' : ''}`);
  const product = await Product.start({ sandboxOff });
  let measured = false;
  let clean = false;
  const abort = async (why: string) => {
    console.error(`bench: ${why}; stopping the product (data kept in ${product.dataDir})`);
    await product.stop(false);
    process.exit(1);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void abort(`stopped by ${signal}`));
  const watchdog = setTimeout(() => void abort(`still running after ${BENCH_TIMEOUT_MS / 60_000} minutes`), BENCH_TIMEOUT_MS);
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: product.temporalAddress });
    const temporal = new Client({ connection });
    const context: BenchContext = {
      product,
      wes: product.wes,
      temporal,
      startFloor: () => startFloor(product.temporalAddress, temporal),
      quick,
      chart: (file, spec) => drawChart(file, spec, chartsDir),
    };
    const results: FigureResult[] = [];
    for (const figure of figures) {
      const result = await runFigure(figure, context);
      console.log(`  -> ${writeResult(result, resultsDir)}`);
      print(result);
      results.push(result);
    }
    if (!quick && !sandboxOff) writeDoc(FIGURES.map((figure) => figure.name));
    measured = results.every((result) => result.measures.length > 0);
    clean = measured && results.every((result) => result.failures.length === 0);
    console.log(
      `bench: done in ${round((now() - started) / 1000)} s; results in ${path.relative(REPO_ROOT, resultsDir)}/${quick || sandboxOff ? ' (docs/benchmarks.md left as it is)' : ', tables in docs/benchmarks.md'}`,
    );
  } finally {
    clearTimeout(watchdog);
    await connection?.close();
    await product.stop(clean);
    // Failed samples are worth a look at the product's log and run dirs.
    if (!clean) console.error(`bench: the product's data dir and log are kept in ${product.dataDir}`);
  }
  return measured ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bench:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
