/**
 * The generated part of docs/benchmarks.md: one table per figure from its latest result file.
 * Only the text between the markers is rewritten; the rest of the document is written by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readResults, shown, type FigureResult, type Measure, type Target } from './report';

export const DOC = path.resolve(__dirname, '../../docs/benchmarks.md');
const BEGIN = '<!-- BEGIN GENERATED: `npm run bench` rewrites everything down to the END marker from bench/results/*.json -->';
const END = '<!-- END GENERATED -->';

function target(t: Target | undefined): string {
  if (!t) return '';
  return `${t.on === 'ratio' ? 'ratio ' : ''}${t.op === '>=' ? '≥' : '≤'} ${shown(t.limit)}`;
}

function row(m: Measure): string {
  const met = m.met === undefined ? '' : m.met ? 'yes' : '**no**';
  const cells = [
    m.name,
    `${shown(m.value)} ${m.unit}`,
    m.baseline?.name ?? '',
    m.baseline ? shown(m.baseline.value) : '',
    shown(m.ratio),
    target(m.target),
    met,
  ];
  return `| ${cells.join(' | ')} |`;
}

function section(result: FigureResult, order: number): string {
  const m = result.machine;
  const lines = [
    `### ${order}. ${result.title} (\`${result.figure}\`)`,
    '',
    `${result.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, revision ${result.revision}; ${m.cpus} × ${m.cpu_model}, ${m.memory_gib} GiB, node ${m.node}, ${m.platform}; took ${shown(result.duration_s)} s; load average ${result.load_average.start} → ${result.load_average.end}.`,
    '',
    '| Measure | durable-wes | Baseline | Baseline value | Ratio | Target | Met |',
    '|---|---|---|---|---|---|---|',
    ...result.measures.map(row),
    '',
    result.failures.length ? `Failed samples or errors: ${result.failures.map((f) => `\`${f}\``).join('; ')}` : 'Failed samples: none.',
    ...(result.charts ?? []).flatMap((chart) => ['', `![${chart.title}](${chart.file})`]),
  ];
  return lines.join('\n');
}

/** `figureOrder` lists figure names in the order the document presents them. */
export function writeDoc(figureOrder: string[]): void {
  const results = readResults().sort((a, b) => figureOrder.indexOf(a.figure) - figureOrder.indexOf(b.figure));
  const generated = results.length
    ? results.map((result) => section(result, figureOrder.indexOf(result.figure) + 1)).join('\n\n')
    : '_No results yet: run `npm run bench`._';
  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC}: the generated-section markers are missing`);
  writeFileSync(DOC, `${doc.slice(0, begin + BEGIN.length)}\n\n${generated}\n\n${doc.slice(end)}`);
}
