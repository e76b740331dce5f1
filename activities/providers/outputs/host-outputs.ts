/**
 * Locations of this host that lie in a run's outputs directory (`<data dir>/runs/<run>/outputs`):
 * a local run's own outputs, or a task's, which are its steps' runs' (docs/design.md, "Outputs").
 */
import path from 'node:path';
import { hostPath } from '../../paths';
import { isSafeRunId, OUTPUTS_DIR } from '../../work-dir';
import { relinkCwlFiles } from './cwl-files';
import { outputPath } from './output-path';

/** The URL that serves output `output` of run `runId`. */
export type OutputLink = (runId: string, output: string) => string;

/**
 * `outputs` with the location of every File and Directory in a run's outputs directory pointed at
 * its link. Its `path` stays the file's path on the service's host, as CWL has it: a client on that
 * host (toil-wes-cwl-runner under cwltest) reads the file there; any other downloads it.
 */
export function linkHostOutputs(dataDir: string, outputs: Record<string, unknown>, link: OutputLink): Record<string, unknown> {
  return relinkCwlFiles(
    outputs,
    (location) => {
      const local = hostOutput(dataDir, location);
      return local && link(local.runId, local.output);
    },
    ['location'],
  ) as Record<string, unknown>;
}

function hostOutput(dataDir: string, location: string): { runId: string; output: string } | undefined {
  const file = hostPath(location);
  if (file === undefined) return undefined;
  const [runId, dir, ...rest] = path.relative(path.join(dataDir, 'runs'), path.normalize(file)).split(path.sep);
  const output = dir === OUTPUTS_DIR && rest.length > 0 ? outputPath(rest.join('/')) : undefined;
  return output === undefined || !isSafeRunId(runId) ? undefined : { runId, output };
}
