/**
 * A figure's result file, bench/results/<figure>.json: every measure with the baseline it is set
 * against (named, measured in the same run), the ratio, and the target. docs/benchmarks.md is
 * generated from these files.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ratio } from './stats';

export const RESULTS_DIR = path.join(__dirname, '..', 'results');

export interface Target {
  /** What the target bounds: the ratio to the baseline, or the value itself. */
  on: 'ratio' | 'value';
  op: '>=' | '<=';
  limit: number;
}

export interface Measure {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: Target;
  /** Whether the target is met; absent when the measure has no target. */
  met?: boolean;
}

export interface Machine {
  cpus: number;
  cpu_model: string;
  memory_gib: number;
  node: string;
  platform: string;
}

export interface FigureResult {
  figure: string;
  title: string;
  date: string;
  /** `git describe --always --dirty` of the code measured. */
  revision: string;
  machine: Machine;
  duration_s: number;
  /** The machine's 1-minute load average as the figure started and ended: the noise it ran in. */
  load_average: { start: number; end: number };
  measures: Measure[];
  /** Samples that ended in another state than expected, with why; an empty list is a clean run. */
  failures: string[];
  details: Record<string, unknown>;
  /** Charts drawn from this result, each a path relative to docs/ (bench/lib/chart.ts). */
  charts?: Array<{ title: string; file: string }>;
}

export function revision(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: path.join(__dirname, '../..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function loadAverage(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** A measure with its ratio to the baseline and whether it meets its target. */
export function measure(m: Omit<Measure, 'ratio' | 'met'>): Measure {
  const toBaseline = m.baseline ? ratio(m.value, m.baseline.value) : undefined;
  let met: boolean | undefined;
  if (m.target) {
    const checked = m.target.on === 'ratio' ? toBaseline : m.value;
    met =
      checked !== undefined && Number.isFinite(checked) && (m.target.op === '>=' ? checked >= m.target.limit : checked <= m.target.limit);
  }
  return { ...m, ratio: toBaseline, met };
}

/** A value that could not be measured (NaN, which JSON writes as null) shows as a dash. */
export function shown(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

export function writeResult(result: FigureResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.figure}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Every figure's latest result; files of other shapes (an older bench's) are skipped. */
export function readResults(): FigureResult[] {
  return readdirSync(RESULTS_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(RESULTS_DIR, name), 'utf8')) as FigureResult)
    .filter((result) => typeof result.figure === 'string' && Array.isArray(result.measures));
}
