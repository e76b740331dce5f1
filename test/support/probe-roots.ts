/**
 * A workflow root for the security probes: a fresh directory the runs' own user can read, holding
 * `sh.cwl`, a tool that runs the shell script it is given and keeps its output as `out`.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const SH_TOOL = [
  'cwlVersion: v1.2',
  'class: CommandLineTool',
  'baseCommand: [sh, -c]',
  'inputs:',
  '  script: {type: string, inputBinding: {position: 1}}',
  'stdout: out.txt',
  'outputs:',
  '  out: {type: stdout}',
  '',
].join('\n');

export async function probeRoots(prefix: string): Promise<string> {
  const roots = await mkdtemp(path.join(os.tmpdir(), prefix));
  // Workflow roots must be readable by the runs' own user.
  await chmod(roots, 0o755);
  await writeFile(path.join(roots, 'sh.cwl'), SH_TOOL);
  return roots;
}
