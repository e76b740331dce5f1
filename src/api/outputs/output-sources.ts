/**
 * Where each run's outputs are, by the kind of its provider (docs/design.md, "Outputs"), and how
 * GET /runs/{run_id} points the locations of its outputs at the download URLs.
 */
import { Inject, Injectable } from '@nestjs/common';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSafeRunId, OUTPUTS_DIR, runWorkDir } from '../../../activities/work-dir';
import type { Config } from '../../config';
import type { RunRow } from '../../database/run-store';
import { CONFIG } from '../core/tokens';
import { relinkCwlFiles } from '../../../activities/providers/outputs/cwl-files';
import { LocalOutputs } from '../../../activities/providers/local/local-outputs';
import { encodePath, outputPath } from '../../../activities/providers/outputs/output-path';
import { NO_OUTPUTS, type OutputSource } from '../../../activities/providers/outputs/output-source';
import { RemoteOutputs } from '../../../activities/providers/wes/remote-outputs';
import { S3Clients } from './s3-clients';
import { S3Outputs } from '../../../activities/providers/healthomics/s3-outputs';

/** Where GET /runs/{run_id}/outputs/{path} serves one output of a run; `apiBaseUrl` is base-url.ts's. */
export function outputUrl(apiBaseUrl: string, runId: string, output: string): string {
  return `${outputsUrl(apiBaseUrl, runId)}/${encodePath(output)}`;
}

export function outputsUrl(apiBaseUrl: string, runId: string): string {
  return `${apiBaseUrl}/runs/${encodeURIComponent(runId)}/outputs`;
}

@Injectable()
export class OutputSources {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly s3: S3Clients,
  ) {}

  of(row: RunRow): OutputSource {
    const settings = this.settingsOf(row);
    switch (settings?.kind) {
      case 'local':
        return new LocalOutputs(path.join(runWorkDir(this.config.dataDir, row.runId), OUTPUTS_DIR));
      case 'wes':
        return new RemoteOutputs(row.outputs, settings);
      case 'healthomics':
        return S3Outputs.of(row.outputs, this.s3.forRegion(settings.region)) ?? NO_OUTPUTS;
      default:
        return NO_OUTPUTS;
    }
  }

  /**
   * The run's outputs with the `location` and `path` of every File and Directory this service serves
   * replaced by its download URL; the read model keeps what the provider reported. A remote WES's
   * run: its http(s) locations. Any other run: locations in the outputs directory of a local run,
   * its own or, for a task, its steps' runs'. HealthOmics outputs name S3 prefixes, not files: kept.
   */
  linkedOutputs(row: RunRow, apiBaseUrl: string): Record<string, unknown> {
    const settings = this.settingsOf(row);
    if (settings?.kind === 'healthomics') return row.outputs;
    if (settings?.kind === 'wes') {
      const remote = new RemoteOutputs(row.outputs, settings);
      return relinkCwlFiles(row.outputs, (location) => {
        const output = remote.pathOf(location);
        return output === undefined ? undefined : outputUrl(apiBaseUrl, row.runId, output);
      }) as Record<string, unknown>;
    }
    return relinkCwlFiles(row.outputs, (location) => {
      const local = this.localOutput(location);
      return local && outputUrl(apiBaseUrl, local.runId, local.output);
    }) as Record<string, unknown>;
  }

  /** The run and output a location of this host names, when it lies in a run's outputs directory. */
  private localOutput(location: string): { runId: string; output: string } | undefined {
    let file: string;
    try {
      file = /^file:/i.test(location) ? fileURLToPath(location) : location;
    } catch {
      return undefined;
    }
    if (!path.isAbsolute(file)) return undefined;
    const [runId, dir, ...rest] = path.relative(path.join(this.config.dataDir, 'runs'), path.normalize(file)).split(path.sep);
    const output = dir === OUTPUTS_DIR && rest.length > 0 ? outputPath(rest.join('/')) : undefined;
    return output === undefined || !isSafeRunId(runId) ? undefined : { runId, output };
  }

  private settingsOf(row: RunRow) {
    return row.provider === undefined ? undefined : this.config.providers.providers[row.provider];
  }
}
