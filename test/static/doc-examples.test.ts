/**
 * The documents' examples are what the tests run (docs/quickstart.md, "How the examples are
 * tested"): blocks not run say why, a document's copy of an example file is that file, and every
 * workflow under examples/ has a test that runs it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { codeBlocks, commands, DOCUMENTS, missingLines, pattern, ROOT, runnableBlocks } from '../support/doc-examples';
import { EXAMPLE_RUNS, exampleWorkflows } from '../support/example-workflows';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

test.each(DOCUMENTS)('%s: every "not run" mark stands before a code block and gives its reason', (document) => {
  const lines = read(document).split('\n');
  const marked = codeBlocks(document).filter((block) => block.notRun !== undefined);
  const marks = lines.filter((line) => /^<!--\s*not run/.test(line.trim()));
  expect(marked.length).toBe(marks.length);
  for (const block of marked)
    expect({ at: `${document}:${block.line}`, reason: block.notRun!.split(/\s+/).length > 3 }).toMatchObject({ reason: true });
  for (const block of runnableBlocks(document))
    expect({ at: `${document}:${block.line}`, commands: commands(block).length > 0 }).toMatchObject({ commands: true });
});

test('docs/tasks.md shows examples/tasks/review-and-publish.yaml as it is (its opening comments aside)', () => {
  const example = read('examples/tasks/review-and-publish.yaml').replace(/^(#.*\n)+/, '');
  const shown = codeBlocks('docs/tasks.md').find(
    (block) => block.lang === 'yaml' && block.text.includes('name: review-and-publish') && !block.text.includes('…'),
  );
  expect(shown && `${shown.text}\n`).toBe(example);
});

test('every workflow under examples/ is listed with the test that runs it', () => {
  expect(Object.keys(EXAMPLE_RUNS).sort()).toEqual(exampleWorkflows());
  for (const [workflow, run] of Object.entries(EXAMPLE_RUNS)) {
    if ('here' in run) {
      if (run.here.params !== undefined) expect(existsSync(path.join(ROOT, path.dirname(workflow), run.here.params))).toBe(true);
      continue;
    }
    // A document runs it from one of its sessions; a test file names it, as a path or path segments.
    const [dir, file] = [path.basename(path.dirname(workflow)), path.basename(workflow)];
    const named = run.by.endsWith('.md')
      ? runnableBlocks(run.by).some((block) => block.text.includes(workflow))
      : read(run.by).includes(`'${dir}', '${file}'`) || read(run.by).includes(`${dir}/${file}`);
    expect({ workflow, by: run.by, named }).toEqual({ workflow, by: run.by, named: true });
  }
});

test('an expected output: lines in order, `…` anything, `<run id>` a run id', () => {
  const output = 'spinner\n✔ run-0e5c1b2a-1111-4c2d-8e3f-123456789abc COMPLETE (3 s)\noutputs:\n  count: 6\n';
  expect(missingLines('✔ <run id> COMPLETE (… s)\n  count: 6', output)).toEqual([]);
  expect(missingLines('  count: 6\n✔ <run id> COMPLETE (… s)', output)).toEqual(['✔ <run id> COMPLETE (… s)']);
  expect(missingLines('✔ <run id> EXECUTOR_ERROR (… s)', output)).toHaveLength(1);
  expect(pattern('7 …').test('7 /tmp/words.txt')).toBe(true);
  expect(pattern('7 …').test('17 /tmp/words.txt')).toBe(false);
});
