/**
 * What /readyz checks (docs/deployment.md, "Operations"), each bounded by a timeout: Temporal
 * answers its health check, the read model answers a query, and each configured provider is
 * usable: it runs some workflow type, by what its settings alone tell (HealthOmics, the simulated
 * provider) or by what a worker reported it found at its start (the local provider's engines, a
 * remote WES's service-info; activities/providers/capability-reports.ts).
 */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { RunStore } from '../../../read-model/run-store';
import { PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { within } from '../core/within';

/** Each check's bound; a probe's own timeout should allow a little more. */
export const CHECK_TIMEOUT_MS = 3_000;

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

@Injectable()
export class ReadinessChecks {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly connection: Connection,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
  ) {}

  all(): HealthIndicatorFunction[] {
    return [() => this.temporal(), () => this.database(), ...this.registry.names().map((name) => () => this.provider(name))];
  }

  private async temporal() {
    const check = this.indicators.check('temporal');
    try {
      const { status } = await within(CHECK_TIMEOUT_MS, 'Temporal', this.connection.healthService.check({ service: WORKFLOW_SERVICE }));
      return status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING
        ? check.up()
        : check.down({ message: `its workflow service is not serving (status ${status})` });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }

  private async database() {
    const check = this.indicators.check('database');
    try {
      await within(CHECK_TIMEOUT_MS, 'the database', this.runStore.ping());
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }

  private async provider(name: string) {
    const { kind } = this.registry.get(name);
    const check = this.indicators.check(`provider:${name}`);
    try {
      const capabilities = await within(CHECK_TIMEOUT_MS, `provider '${name}'`, this.registry.capabilities());
      const capability = capabilities.get(name);
      if (!capability) throw new Error(`the registry reported no capabilities for provider '${name}'`);
      const workflowTypes = Object.keys(capability.workflowTypeVersions);
      return workflowTypes.length > 0
        ? check.up({ kind, workflow_types: workflowTypes })
        : check.down({
            kind,
            message: 'no worker has reported it can run anything (none started yet, no engine found, or its remote does not answer)',
          });
    } catch (err) {
      return check.down({ kind, message: (err as Error).message });
    }
  }
}
