/** The CLI's reading of CWL `secondaryFiles` (src/cli/secondary-files.ts), on files of the test's own. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { patternsOf, secondaryFiles, secondaryName } from '../src/cli/secondary-files';

test('patterns: appended, each ^ strips one extension, none left to strip', () => {
  expect(secondaryName('ref.fa', '.fai')).toBe('ref.fa.fai');
  expect(secondaryName('x.bam', '^.bai')).toBe('x.bai');
  expect(secondaryName('x.vcf.gz', '^^.idx')).toBe('x.idx');
  expect(secondaryName('reads', '^.bai')).toBe('reads.bai');
});

test('every form of secondaryFiles; expressions are skipped, optional ones kept', () => {
  expect(patternsOf('.fai')).toEqual(['.fai']);
  expect(
    patternsOf(['.fai', { pattern: '^.dict', required: false }, '.idx?', '$(self.basename).x', { pattern: '${ return "x" }' }]),
  ).toEqual(['.fai', '^.dict', '.idx']);
  expect(patternsOf(undefined)).toEqual([]);
});

test('a workflow input gets what the tool of a step it flows into declares; only files that exist', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secondary-'));
  try {
    const write = (name: string, text = '') => {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    };
    write(
      'tools/index.cwl',
      'cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n  - id: fasta\n    type: File\n    secondaryFiles: [.fai, .gzi]\noutputs: []\n',
    );
    write(
      'wf.cwl',
      'cwlVersion: v1.2\nclass: Workflow\ninputs:\n  ref: { type: File, secondaryFiles: ^.dict }\noutputs: []\nsteps:\n  index:\n    run: tools/index.cwl\n    in: { fasta: ref }\n    out: []\n',
    );
    for (const name of ['data/ref.fa', 'data/ref.fa.fai', 'data/ref.dict']) write(name);
    const found = secondaryFiles(path.join(dir, 'wf.cwl'), { ref: { class: 'File', location: 'data/ref.fa' } }, dir);
    expect(found.sort()).toEqual([path.join(dir, 'data/ref.dict'), path.join(dir, 'data/ref.fa.fai')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
