/** The local provider's containers setting in one line, as service-info shows it (docs/deployment.md, "Containers"). */
import type { Containers } from './settings';

export function describeContainers(containers: Containers): string {
  if (containers === 'none') return "none: jobs run on the host as they are, inside the run's sandbox; container images are not used";
  const snakemake =
    containers === 'singularity' || containers === 'apptainer'
      ? 'Snakemake with apptainer'
      : "Snakemake without containers (it has no Docker or Podman method: a rule's container: is not used)";
  return `${containers}: cwltool and miniwdl run their jobs' images with ${containers}; ${snakemake}`;
}
