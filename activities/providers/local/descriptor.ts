/** The local provider as the API sees it: runs' outputs and logs are files in the shared data dir. */
import path from 'node:path';
import { OUTPUTS_DIR, runWorkDir } from '../../work-dir';
import type { ProviderCapabilities } from '../provider';
import type { DescribedRun, DescriptorContext, LogSource, ProviderDescriptor } from '../descriptor';
import { linkHostOutputs, type OutputLink } from '../outputs/host-outputs';
import type { OutputSource } from '../outputs/output-source';
import type { WesRunRequest } from '../../../domain/run-types';
import { LocalOutputs } from './local-outputs';
import { localProcess } from './process';
import { localEngineFor, validateLocalRequest } from './request';
import { describeContainers } from './containers';
import { describeSandbox } from './sandbox/describe';
import type { LocalSettings } from './settings';

export class LocalDescriptor implements ProviderDescriptor {
  readonly kind = 'local';

  constructor(
    private readonly settings: LocalSettings,
    private readonly context: DescriptorContext,
  ) {}

  validate(request: WesRunRequest): void {
    validateLocalRequest(request, this.settings);
  }

  engine(request: WesRunRequest): string {
    const { engine, version } = localEngineFor(request);
    return `${engine.name} ${version}`;
  }

  /** The workflow types come from the engines the workers found: they report them. */
  capabilities(): ProviderCapabilities {
    return { workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: ['file', 'http', 'https'] };
  }

  outputs(run: DescribedRun): OutputSource {
    return new LocalOutputs(path.join(this.workDir(run), OUTPUTS_DIR));
  }

  linkOutputs(run: DescribedRun, link: OutputLink): Record<string, unknown> {
    return linkHostOutputs(this.context.dataDir, run.outputs, link);
  }

  logs(run: DescribedRun): LogSource {
    const engine = localProcess(this.workDir(run));
    return { kind: 'files', stdout: engine.stdoutPath, stderr: engine.stderrPath };
  }

  /** What confines its engines, or that nothing does, and what runs its jobs' containers (docs/deployment.md). */
  describe(): Array<{ tag: string; text: string }> {
    return [
      { tag: 'sandbox', text: describeSandbox(this.settings) },
      { tag: 'containers', text: describeContainers(this.settings.containers) },
    ];
  }

  private workDir(run: DescribedRun): string {
    return runWorkDir(this.context.dataDir, run.runId);
  }
}
