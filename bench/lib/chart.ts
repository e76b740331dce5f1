/**
 * Charts for docs/benchmarks.md: SVG line charts drawn by matplotlib, pinned, in a venv of its own
 * in the machine's cache, made on first use the way the tests make their Python peers'
 * (test/support/python-peer.ts).
 * Charts go to docs/benchmarks/<name>.svg, beside the document that shows them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureVenvPackage } from '../../test/support/python-peer';
import { REPO_ROOT } from './temporal-dev';

export const MATPLOTLIB = 'matplotlib==3.9.2';
export const CHARTS_DIR = path.join(REPO_ROOT, 'docs', 'benchmarks');

export interface ChartSpec {
  title: string;
  x_label: string;
  y_label: string;
  series: Array<{ name: string; x: number[]; y: number[] }>;
  log_x?: boolean;
  log_y?: boolean;
}

/** Draws the chart into `dir`; returns its path relative to docs/, as the document links it. */
export async function drawChart(file: string, spec: ChartSpec, dir = CHARTS_DIR): Promise<string> {
  // matplotlib has no console script; pip puts f2py (numpy's, a dependency) in bin/.
  const venv = await ensureVenvPackage({ name: 'bench-plot', spec: MATPLOTLIB, executable: 'f2py' });
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-chart-'));
  try {
    const specFile = path.join(scratch, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const out = path.join(dir, file);
    await promisify(execFile)(path.join(venv, 'bin', 'python'), [path.join(__dirname, 'chart.py'), specFile, out], { timeout: 120_000 });
    return path.relative(path.join(REPO_ROOT, 'docs'), out);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
