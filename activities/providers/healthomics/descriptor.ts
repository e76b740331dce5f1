/** AWS HealthOmics as the API sees it: outputs are S3 objects, served as presigned URLs; logs are CloudWatch links. */
import { S3Client } from '@aws-sdk/client-s3';
import type { ProviderCapabilities } from '../provider';
import type { DescribedRun, LogSource, ProviderDescriptor } from '../descriptor';
import { NO_OUTPUTS, type OutputSource } from '../outputs/output-source';
import type { WesRunRequest } from '../../../domain/run-types';
import { HEALTHOMICS_CAPABILITIES } from './provider';
import { startRunInput } from './request';
import { S3Outputs } from './s3-outputs';
import type { HealthOmicsSettings } from './settings';

export class HealthOmicsDescriptor implements ProviderDescriptor {
  readonly kind = 'healthomics';
  /** Made when first needed: AWS credentials come from the API's environment (the SDK's default chain). */
  private s3?: S3Client;

  constructor(private readonly settings: HealthOmicsSettings) {}

  validate(request: WesRunRequest): void {
    startRunInput({ runId: 'validate', provider: this.kind, workDir: '', request }, this.settings);
  }

  capabilities(): ProviderCapabilities {
    return HEALTHOMICS_CAPABILITIES;
  }

  outputs(run: DescribedRun): OutputSource {
    this.s3 ??= new S3Client({ region: this.settings.region });
    return S3Outputs.of(run.outputs, this.s3) ?? NO_OUTPUTS;
  }

  /** Its outputs name S3 prefixes, not files: kept as they are. */
  linkOutputs(run: DescribedRun): Record<string, unknown> {
    return run.outputs;
  }

  logs(): LogSource {
    return { kind: 'run-log' };
  }
}
