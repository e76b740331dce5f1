/** What the CLI finds to upload, on files of the test's own: CWL `secondaryFiles` (src/cli/secondary-files.ts), a Snakemake project's files (src/cli/project-files.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectFiles } from '../src/cli/project-files';
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

test('a project: results folders left out at its root only, each .gitignore read for the paths below its folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'project-'));
  try {
    const files = [
      'workflow/Snakefile',
      'workflow/rules/results/keep.smk',
      '.gitignore',
      'data/.gitignore',
      'data/raw/big.fq',
      'data/a.fq',
      'data/run.log',
      'data/keep.log',
      'results/old.txt',
      'logs/old.log',
      '.snakemake/metadata/x',
    ];
    for (const name of files) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), '');
    }
    writeFileSync(path.join(dir, '.gitignore'), '*.log\n!keep.log\n');
    writeFileSync(path.join(dir, 'data/.gitignore'), 'raw/\n');
    const found = projectFiles(path.join(dir, 'workflow/Snakefile')).map((file) => path.relative(dir, file));
    expect(found.sort()).toEqual([
      '.gitignore',
      'data/.gitignore',
      'data/a.fq',
      'data/keep.log',
      'workflow/Snakefile',
      'workflow/rules/results/keep.smk',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
