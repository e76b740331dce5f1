/**
 * A Snakemake run's project on disk (docs/design.md, "Snakemake as a project"): which folder is
 * copied and where the engine is pointed, and which of the files its jobs name become outputs.
 * Real files in a temporary work dir; the engine runs in test/api/snakemake-project.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { linkProduced, projectLayout } from '../activities/providers/local/engines/snakemake-project';
import { ATTACHMENTS_DIR } from '../activities/work-dir';

let workDir: string;
beforeEach(() => {
  workDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'snakemake-project-')));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

function write(relative: string, text = relative): string {
  const file = path.join(workDir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('the project of a Snakefile', () => {
  test('among the attachments: its folder, or the one above workflow/, never above the attachments', () => {
    const attachments = path.join(workDir, ATTACHMENTS_DIR);
    const project = path.join(workDir, 'project');
    const templated = write(path.join(ATTACHMENTS_DIR, 'workflow', 'Snakefile'));
    expect(projectLayout(templated, workDir)).toEqual({
      source: attachments,
      dir: project,
      snakefile: path.join(project, 'workflow', 'Snakefile'),
    });
    const nested = write(path.join(ATTACHMENTS_DIR, 'mine', 'workflow', 'Snakefile'));
    expect(projectLayout(nested, workDir).source).toBe(path.join(attachments, 'mine'));
    const atRoot = write(path.join(ATTACHMENTS_DIR, 'Snakefile'));
    expect(projectLayout(atRoot, workDir)).toEqual({ source: attachments, dir: project, snakefile: path.join(project, 'Snakefile') });
  });

  test('under a workflow root: its own folder; fetched from a URL: the attachments, the Snakefile where it was fetched', () => {
    const rooted = write(path.join('root', 'workflow', 'Snakefile'));
    expect(projectLayout(rooted, workDir)).toMatchObject({
      source: path.dirname(rooted),
      snakefile: path.join(workDir, 'project', 'Snakefile'),
    });
    const fetched = write(path.join('staging', 'fetched', 'abc', 'Snakefile'));
    expect(projectLayout(fetched, workDir)).toMatchObject({ source: path.join(workDir, ATTACHMENTS_DIR), snakefile: fetched });
  });
});

describe('the outputs of a Snakemake run', () => {
  const outputs = () => path.join(workDir, 'outputs');
  const inOutputs = (relative: string) => path.join(outputs(), relative);

  test("the files its jobs named, a directory output's files, linked under the same paths", async () => {
    write('project/results/a.txt', 'a');
    write('project/results/dir/one.txt', 'one');
    write('project/results/dir/sub/two.txt', 'two');
    write('project/data/input.txt', 'input');
    await linkProduced(path.join(workDir, 'project'), ['results/a.txt', 'results/dir', 'results/missing.txt'], outputs());
    expect(readFileSync(inOutputs('results/a.txt'), 'utf8')).toBe('a');
    expect(readFileSync(inOutputs('results/dir/sub/two.txt'), 'utf8')).toBe('two');
    expect(existsSync(inOutputs('data/input.txt'))).toBe(false);
    expect(existsSync(inOutputs('results/missing.txt'))).toBe(false);
    // Linked again (results retried): the same.
    await linkProduced(path.join(workDir, 'project'), ['results/a.txt'], outputs());
    expect(readFileSync(inOutputs('results/a.txt'), 'utf8')).toBe('a');
  });

  test("nothing outside the project, through a symlink or a path, nor Snakemake's records", async () => {
    const secret = write('elsewhere/secret.txt', 'secret');
    write('project/.snakemake/metadata/x', 'record');
    mkdirSync(path.join(workDir, 'project', 'results'), { recursive: true });
    symlinkSync(secret, path.join(workDir, 'project', 'results', 'link.txt'));
    symlinkSync(path.dirname(secret), path.join(workDir, 'project', 'escape'));
    await linkProduced(
      path.join(workDir, 'project'),
      ['results/link.txt', 'escape/secret.txt', '../elsewhere/secret.txt', secret, '.snakemake/metadata/x'],
      outputs(),
    );
    expect(existsSync(outputs())).toBe(false);
  });

  test('a run launched before runs had a project: nothing to link', async () => {
    write('outputs/results/a.txt', 'a');
    await expect(linkProduced(path.join(workDir, 'project'), ['results/a.txt'], outputs())).resolves.toBeUndefined();
  });
});
