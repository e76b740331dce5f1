/** The generated part of docs/conformance.md, from a run's results. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestResult } from '../../test/support/cwltest';

export interface ConformanceRun {
  date: string;
  revision: string;
  cwltoolVersion: string;
  durationS: number;
  columns: Array<{ name: string; results: TestResult[] }>;
}

const DOC = path.resolve(__dirname, '../../docs/conformance.md');
const BEGIN = '<!-- BEGIN GENERATED: `npm run conformance` rewrites everything down to the END marker -->';
const END = '<!-- END GENERATED -->';

function cell(results: TestResult[]): string {
  const passed = results.filter((r) => r.outcome === 'passed').length;
  const unsupported = results.filter((r) => r.outcome === 'unsupported').length;
  return `${passed} / ${results.length}${unsupported ? ` (${unsupported} unsupported)` : ''}`;
}

export function conformanceTable(whole: ConformanceRun): string {
  // An interrupted column reports fewer tests: the table counts those every column ran.
  const ran = whole.columns.map((column) => new Set(column.results.map((r) => r.id)));
  const common = (id: string) => ran.every((ids) => ids.has(id));
  const run = { ...whole, columns: whole.columns.map((column) => ({ ...column, results: column.results.filter((r) => common(r.id)) })) };
  const counted = run.columns[0].results.length;
  const most = Math.max(...whole.columns.map((column) => column.results.length));
  const tags = [...new Set(run.columns.flatMap((c) => c.results.flatMap((r) => r.tags)))].sort();
  const header = ['tag', ...run.columns.map((c) => `${c.name} passed`)];
  const rows = [
    ['**all**', ...run.columns.map((c) => `**${cell(c.results)}**`)],
    ...tags.map((tag) => [tag, ...run.columns.map((c) => cell(c.results.filter((r) => r.tags.includes(tag))))]),
  ];
  const [base, ...others] = run.columns;
  const outcomeOf = new Map(base.results.map((r) => [r.id, r.outcome]));
  const differing = others.flatMap((column) =>
    column.results
      .filter((r) => outcomeOf.get(r.id) !== undefined && outcomeOf.get(r.id) !== r.outcome)
      .map(
        (r) => `| \`${r.id}\` | ${column.name} | ${String(outcomeOf.get(r.id))} | ${r.outcome} | ${(r.why ?? '').replace(/\|/g, '\\|')} |`,
      ),
  );
  return [
    `${run.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, revision ${run.revision}, cwltool ${run.cwltoolVersion}; both columns in the same run, \`-j 2\` each, at once; took ${run.durationS} s.`,
    ...(counted < most
      ? [
          '',
          `**Interrupted**: cwltest was stopped before every test had run (${whole.columns.map((c) => `${c.name}: ${c.results.length}`).join(', ')} tests, in the suite's order); the table counts the ${counted} that every column ran.`,
        ]
      : []),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Tests whose outcome differs from bare ${base.name}:`,
    '',
    ...(differing.length
      ? [`| test | column | ${base.name} | there | what cwltest said there |`, '|---|---|---|---|---|', ...differing]
      : ['none.']),
  ].join('\n');
}

export function writeConformanceDoc(run: ConformanceRun): void {
  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC}: the generated-section markers are missing`);
  writeFileSync(DOC, `${doc.slice(0, begin + BEGIN.length)}\n\n${conformanceTable(run)}\n\n${doc.slice(end)}`);
}
