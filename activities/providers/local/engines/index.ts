/** The engines of the local provider: one line each (docs/design.md, "Adding an engine"). */
import { CWLTOOL } from './cwltool';
import type { LocalEngine } from './engine';
import { MINIWDL } from './miniwdl';
import { SNAKEMAKE } from './snakemake';

export { CWLTOOL };
export { engineParameters } from './engine';

export const LOCAL_ENGINES: LocalEngine[] = [CWLTOOL, SNAKEMAKE, MINIWDL];

export function engineForType(workflowType: string): LocalEngine | undefined {
  return LOCAL_ENGINES.find((engine) => workflowType.toUpperCase() in engine.workflowTypes);
}
