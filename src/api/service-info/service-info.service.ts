import { Inject, Injectable } from '@nestjs/common';
import type { components } from '../../../spec/wes-api';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { WES_STATES, type WesState } from '../../../domain/wes-state';
import { authEnabled } from '../../config/auth-config';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import { packageVersion } from '../../../activities/repo-root';
import { API_PREFIX } from '../core/base-url';
import { CONFIG, PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { TASK_SCHEMA_PATH } from '../task-schema/task-schema.controller';
import { TASK_FORMAT_VERSION, TASK_WORKFLOW_TYPE } from '../../../domain/task-definition';
import { unionOfCapabilities } from '../../../activities/providers/capability-reports';

/** GA4GH service-info 1.0 `Service`, extended by WES 1.1's `ServiceInfo`, with every state counted. */
export type ServiceInfo = components['schemas']['ServiceInfo'] & { system_state_counts: Record<WesState, number> };

@Injectable()
export class ServiceInfoService {
  private readonly version = packageVersion();
  private readonly authOn: boolean;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
  ) {
    this.authOn = authEnabled(config);
  }

  /** `origin` is where the caller reached us: the documentation is served there. */
  async serviceInfo(origin: string): Promise<ServiceInfo> {
    const counts = await this.runStore.countByWesState();
    // What the workers reported their providers run, with what the providers' settings alone tell.
    const capabilities = unionOfCapabilities([...(await this.registry.capabilities()).values()]);
    const docs = `${origin}/docs`;
    return {
      id: 'durable-wes',
      name: 'durable-wes',
      type: { group: 'org.ga4gh', artifact: 'wes', version: '1.1.0' },
      description: 'A GA4GH Workflow Execution Service whose every run is a durable Temporal workflow',
      organization: { name: 'durable-wes', url: origin },
      documentationUrl: docs,
      version: this.version,
      workflow_type_versions: {
        ...mapValues(capabilities.workflowTypeVersions, (versions) => ({ workflow_type_version: versions })),
        // Tasks run anywhere: their steps choose their providers.
        [TASK_WORKFLOW_TYPE]: { workflow_type_version: [TASK_FORMAT_VERSION] },
      },
      supported_wes_versions: ['1.1.0'],
      supported_filesystem_protocols: capabilities.filesystemProtocols,
      workflow_engine_versions: mapValues(capabilities.engineVersions, (versions) => ({ workflow_engine_version: versions })),
      default_workflow_engine_parameters: [],
      system_state_counts: Object.fromEntries(WES_STATES.map((state) => [state, counts[state] ?? 0])) as Record<WesState, number>,
      // The API document (docs) describes the bearer scheme and its scopes when auth is on.
      auth_instructions_url: this.config.auth.instructionsUrl ?? docs,
      tags: {
        providers: this.registry.names().join(','),
        default_provider: this.registry.defaultProvider,
        auth: this.authOn ? 'bearer' : 'none',
        max_attachment_bytes: String(this.config.maxAttachmentBytes),
        max_attachments: String(this.config.maxAttachments),
        max_upload_bytes: String(this.config.maxUploadBytes),
        max_body_bytes: String(this.config.maxBodyBytes),
        task_schema_url: `${origin}/${API_PREFIX}/${TASK_SCHEMA_PATH}`,
        // What each provider says of itself, e.g. what confines a local provider's engines (docs/deployment.md).
        ...this.registry.tags(),
      },
    };
  }
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
