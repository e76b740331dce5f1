/**
 * The examples README.md and docs/ show, read out of the documents (docs/quickstart.md, "How the
 * examples are tested"): every ```sh block is a session a reader types, run by
 * test/doc-examples.test.ts, unless the line before it says `<!-- not run: reason -->`. A ```text
 * block right after a ```sh block is what the reader should see; a trailing comment
 * `# path: "text"` says what a file the command wrote holds. In both, `…` stands for anything and
 * `<run id>` for a run's id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** README.md and every page of docs/, relative to the repository. */
export const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

export interface CodeBlock {
  document: string;
  /** The line of the opening fence, 1-based. */
  line: number;
  lang: string;
  text: string;
  /** Why it is not run, for a block marked so. */
  notRun?: string;
  /** The output a reader should see, for a ```sh block followed by a ```text block. */
  expected?: string;
}

export interface Command {
  /** The command as the reader types it, continuation lines joined. */
  shell: string;
  /** A file the command writes and what it holds: `# results/count.txt: "7 …"`. */
  file?: { path: string; holds: string };
}

const NOT_RUN = /^<!--\s*not run:\s*(.*?)\s*-->$/;

export function codeBlocks(document: string): CodeBlock[] {
  const lines = readFileSync(path.join(ROOT, document), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) throw new Error(`${document}:${i + 1}: a code block that never closes`);
    const before = lines
      .slice(0, i)
      .reverse()
      .find((line) => line.trim() !== '');
    const notRun = before === undefined ? undefined : NOT_RUN.exec(before.trim())?.[1];
    blocks.push({ document, line: i + 1, lang: open[1], text: lines.slice(i + 1, end).join('\n'), notRun });
    i = end;
  }
  // Only blank lines may stand between a session and what it shows.
  for (const [k, block] of blocks.entries()) {
    const next = blocks.at(k + 1);
    if (block.lang !== 'sh' || next?.lang !== 'text') continue;
    const between = lines.slice(block.line + block.text.split('\n').length + 1, next.line - 1);
    if (between.every((line) => line.trim() === '')) block.expected = next.text;
  }
  return blocks;
}

/** The ```sh blocks a test runs. */
export const runnableBlocks = (document: string): CodeBlock[] =>
  codeBlocks(document).filter((block) => block.lang === 'sh' && block.notRun === undefined);

const FILE_CHECK = /\s+#\s*(\S+):\s*"(.*)"\s*$/;

/** A session's commands: comment lines dropped, `\` continuations joined. */
export function commands(block: CodeBlock): Command[] {
  const joined = block.text.replace(/\\\n\s*/g, '');
  return joined
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => {
      const check = FILE_CHECK.exec(line);
      return check ? { shell: line.slice(0, check.index), file: { path: check[1], holds: check[2] } } : { shell: line };
    });
}

export const RUN_ID = /run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A line of a document as a pattern: `…` anything, `<run id>` a run id, the rest literal. */
export function pattern(text: string): RegExp {
  const parts = text.split(/(…|<run id>)/).map((part) => {
    if (part === '…') return '[\\s\\S]*';
    if (part === '<run id>') return RUN_ID.source;
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

/**
 * The lines of `expected` that `output` lacks: each expected line (trailing spaces aside) must match
 * a line of the output, in order; output lines between them are free.
 */
export function missingLines(expected: string, output: string): string[] {
  const seen = output.split('\n').map((line) => line.trimEnd());
  let at = 0;
  const missing: string[] = [];
  for (const line of expected.split('\n').map((text) => text.trimEnd())) {
    if (line === '') continue;
    const want = pattern(line);
    const found = seen.findIndex((candidate, k) => k >= at && want.test(candidate));
    if (found < 0) missing.push(line);
    else at = found + 1;
  }
  return missing;
}
