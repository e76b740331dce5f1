/**
 * A workflow's own CWL may name host files itself: a default File at an absolute path, an
 * `$include` that schema-salad replaces by a file's text. Neither is a request field that the API
 * or the provider can refuse, so what they read is what the sandbox shows (docs/security.md):
 * before it, each probe below returned the host's /etc/passwd or /etc/shadow.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseProvidersConfig } from '../../activities/providers/config';
import type { RunSnapshot } from '../../domain/run-types';
import { createHarness, finalSnapshot, type Harness } from '../support/harness';

jest.setTimeout(120_000);

let h: Harness;
let roots: string;

const tool = (lines: string[]) =>
  ['cwlVersion: v1.2', 'class: CommandLineTool', ...lines, 'stdout: out.txt', 'outputs:', '  out: {type: stdout}', ''].join('\n');

beforeAll(async () => {
  roots = await mkdtemp(path.join(os.tmpdir(), 'host-files-'));
  await chmod(roots, 0o755);
  await writeFile(
    path.join(roots, 'default-passwd.cwl'),
    tool(['baseCommand: cat', 'inputs:', '  f: {type: File, default: {class: File, location: /etc/passwd}, inputBinding: {position: 1}}']),
  );
  await writeFile(
    path.join(roots, 'include-passwd.cwl'),
    tool(['baseCommand: echo', 'inputs: []', 'arguments:', '  - $include: /etc/passwd']),
  );
  await writeFile(
    path.join(roots, 'include-shadow.cwl'),
    tool(['baseCommand: echo', 'inputs: []', 'arguments:', '  - $include: /etc/shadow']),
  );
  const providers = parseProvidersConfig(
    { default: 'local', providers: { local: { kind: 'local', workflowRoots: [roots], pollIntervalMs: 100 } } },
    'host-files test',
  );
  h = await createHarness({ providers });
});

afterAll(async () => {
  await h.stop();
  await rm(roots, { recursive: true, force: true });
});

const run = async (file: string): Promise<RunSnapshot> =>
  finalSnapshot(
    await h.start(
      { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: path.join(roots, file), workflow_params: {} },
      { provider: 'local' },
    ),
  );

const printed = async (snapshot: RunSnapshot) => {
  expect(snapshot.wesState).toBe('COMPLETE');
  return readFile(new URL((snapshot.outputs.out as { location: string }).location), 'utf8');
};

/** The sandbox's passwd names the run's user alone; the host's names root first. */
const expectSandboxPasswd = (text: string) => {
  expect(text).not.toMatch(/(^|\s)root:/);
  expect(text.match(/[^:\s]+:x:\d+:\d+:/g)).toHaveLength(1);
};

test("a default File at /etc/passwd reads the sandbox's passwd, not the host's", async () => {
  expectSandboxPasswd(await printed(await run('default-passwd.cwl')));
});

test("$include: /etc/passwd in the CWL reads the sandbox's passwd, and /etc/shadow is not there to read", async () => {
  expectSandboxPasswd(await printed(await run('include-passwd.cwl')));
  const shadow = await run('include-shadow.cwl');
  expect(shadow.wesState).toBe('EXECUTOR_ERROR');
  const stderr = await readFile(shadow.log.stderr!, 'utf8');
  expect(stderr).toMatch(/shadow/);
  expect(stderr).not.toMatch(/root:[^:]*:\d+:/);
});
