/**
 * What `durable-wes submit` uploads from a user's disk (README, "CLI"): a task's steps' files, CWL
 * secondary files, a Snakemake project without its results and ignored files, `--attach`, the size
 * check. Spawned as a user runs it, against the real API, worker, Temporal, PostgreSQL, cwltool
 * and Snakemake.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { API, download, type ApiHarness } from './support/api-harness';
import { runCli } from './support/cli';
import { useCliServer } from './support/cli-server';

let api: ApiHarness;
let url: string;
let dir: string;
useCliServer('cli-uploads', (server) => ({ api, url, dir } = server));

const cli = (...args: string[]) => runCli(args, { url });

/** Writes the files of a folder of the test's own; returns its path. */
function folder(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name);
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
  return root;
}

/** A tool that prints its input. */
const CAT_TOOL = [
  'cwlVersion: v1.2',
  'class: CommandLineTool',
  'baseCommand: [cat]',
  'inputs:',
  '  text: { type: File, inputBinding: { position: 1 } }',
  'stdout: out.txt',
  'outputs:',
  '  out: stdout',
  '',
].join('\n');

test('submit task.yaml: recognised by its dwes_task: key; the CWL its steps name, in a branch too, and their inputs are uploaded', async () => {
  const root = folder('task', {
    'task.yaml': [
      'dwes_task: "1.0"',
      'steps:',
      '  - id: fan',
      '    parallel:',
      '      branches:',
      '        - id: left',
      '          steps:',
      '            - id: copy',
      '              run:',
      '                workflow_url: tools/cat.cwl',
      '                workflow_type: CWL',
      '                workflow_type_version: v1.2',
      '                provider: local',
      '                workflow_params: { text: { class: File, location: data/words.txt } }',
      '        - id: right',
      '          steps:',
      '            - id: wrapped',
      '              run:',
      '                workflow_url: workflows/wrap.cwl',
      '                workflow_type: CWL',
      '                workflow_type_version: v1.2',
      '                provider: local',
      '                workflow_params: { text: { class: File, location: data/more.txt } }',
      '',
    ].join('\n'),
    'tools/cat.cwl': CAT_TOOL,
    // Its own import, relative to itself: brought along as the step's workflow's file.
    'workflows/wrap.cwl': [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs: { text: File }',
      'outputs: { out: { type: File, outputSource: copy/out } }',
      'steps:',
      '  copy: { run: ../tools/cat.cwl, in: { text: text }, out: [out] }',
      '',
    ].join('\n'),
    'data/words.txt': 'left words\n',
    'data/more.txt': 'right words\n',
    'data/unused.txt': 'named by no step\n',
  });
  const result = await cli('--json', 'submit', path.join(root, 'task.yaml'), '--wait');
  expect(result).toMatchObject({ code: 0 });
  const log = JSON.parse(result.stdout);
  expect(log.request).toMatchObject({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.yaml' });
  for (const [step, words] of [
    ['copy', 'left words\n'],
    ['wrapped', 'right words\n'],
  ]) {
    const child = (await api.http.get(`${API}/runs/${log.run_id}.${step}`).expect(200)).body;
    expect(child.state).toBe('COMPLETE');
    expect(await download(api.http, child.outputs.out.location)).toBe(words);
  }
});

test('a CWL tool declaring secondaryFiles (.fai, ^.bai) gets them, found beside its inputs', async () => {
  const root = folder('secondary', {
    'tool.cwl': [
      'cwlVersion: v1.2',
      'class: CommandLineTool',
      'baseCommand: [sh, -c, "cat \\"$0.fai\\" \\"${1%.bam}.bai\\""]',
      'inputs:',
      '  ref: { type: File, secondaryFiles: [.fai], inputBinding: { position: 1 } }',
      '  reads: { type: File, secondaryFiles: [{ pattern: ^.bai, required: true }], inputBinding: { position: 2 } }',
      'stdout: out.txt',
      'outputs: { out: stdout }',
      '',
    ].join('\n'),
    'data/ref.fa': '>chr1\n',
    'data/ref.fa.fai': 'fai index\n',
    'data/x.bam': 'bam\n',
    'data/x.bai': 'bai index\n',
    'job.yaml': 'ref: { class: File, path: data/ref.fa }\nreads: { class: File, path: data/x.bam }\n',
  });
  const result = await cli(
    '--json',
    'submit',
    path.join(root, 'tool.cwl'),
    '--params',
    path.join(root, 'job.yaml'),
    '--provider',
    'local',
    '--wait',
  );
  expect(result).toMatchObject({ code: 0 });
  expect(await download(api.http, JSON.parse(result.stdout).outputs.out.location)).toBe('fai index\nbai index\n');
});

test('a Snakefile reading data/{s}.fq finds it, a linked one too; results/ and what .gitignore excludes stay home; --attach sends a file anyway', async () => {
  const root = folder('snakemake', {
    Snakefile: [
      'SAMPLES = ["a", "b"]',
      'rule all:',
      '    input: "results/summary.txt"',
      'rule count:',
      '    input: "data/{s}.fq"',
      '    output: "results/{s}.count"',
      '    shell: "wc -l < {input} > {output}"',
      'rule summary:',
      '    input: expand("results/{s}.count", s=SAMPLES), "extra/note.txt"',
      '    output: "results/summary.txt"',
      // What the run got: the data folder's listing shows what was uploaded.
      '    shell: "cat {input} > {output} && ls data >> {output}"',
      '',
    ].join('\n'),
    '.gitignore': 'extra/\n*.tmp\n',
    'data/a.fq': '@r1\nACGT\n+\nIIII\n',
    'data/scratch.tmp': 'ignored\n',
    'extra/note.txt': 'attached\n',
    // A stale result: uploaded, it would make Snakemake find the job done.
    'results/summary.txt': 'stale\n',
  });
  // Data linked from elsewhere, as projects often have it: what the link names is sent.
  const elsewhere = folder('elsewhere', { 'b.fq': '@r1\nACGT\n+\nIIII\n@r2\nACGT\n+\nIIII\n' });
  symlinkSync(path.join(elsewhere, 'b.fq'), path.join(root, 'data/b.fq'));
  const result = await cli(
    '--json',
    'submit',
    path.join(root, 'Snakefile'),
    '--attach',
    path.join(root, 'extra/note.txt'),
    '--provider',
    'local',
    '--wait',
  );
  expect(result).toMatchObject({ code: 0 });
  const log = JSON.parse(result.stdout);
  expect(await download(api.http, log.outputs['results/summary.txt'].location)).toBe('4\n8\nattached\na.fq\nb.fq\n');
});

test('the size check: a large upload is refused, saying how large and where; an unknown type names the known ones', async () => {
  const files = Object.fromEntries(Array.from({ length: 501 }, (_, index) => [`data/${index}.fq`, 'x\n']));
  const root = folder('large', { Snakefile: 'rule all:\n    input: "data/0.fq"\n', ...files });
  const refused = await cli('submit', path.join(root, 'Snakefile'), '--provider', 'local');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/about to upload 502 files, 0\.0 MB \(biggest: data\/ 501 files, 0\.0 MB; Snakefile 1 files/);
  expect(refused.stderr).toContain('--yes');

  const unknown = await cli('submit', path.join(folder('unknown', { 'notes.yaml': 'a: 1\n' }), 'notes.yaml'));
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('DWES-TASK (a document with a dwes_task: key)');
});
