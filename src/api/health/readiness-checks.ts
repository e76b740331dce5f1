/**
 * What /readyz checks (docs/deployment.md, "Operations"), each bounded by a timeout: Temporal
 * answers its health check, the read model answers a query, and each configured provider is
 * usable, which is whatever its capabilities say it can run here and now: the local provider's
 * engines found on this host, a remote WES's service-info answering, HealthOmics and the simulated
 * provider always (nothing cheap to ask of the former).
 */
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Connection } from '@temporalio/client';
import type { ProviderRegistry } from '../../../activities/provider-registry';
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
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
  ) {}

  all(): HealthIndicatorFunction[] {
    return [() => this.temporal(), () => this.database(), ...this.registry.names().map((name) => () => this.provider(name))];
  }

  private async temporal() {
    const check = this.indicators.check('temporal');
    try {
      const { status } = await within(CHECK_TIMEOUT_MS, 'Temporal', this.connection.healthService.check({ service: WORKFLOW_SERVICE }));
      // 1 is SERVING in gRPC's health protocol.
      return status === 1 ? check.up() : check.down({ message: `its workflow service is not serving (status ${status})` });
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
    const provider = this.registry.get(name);
    const check = this.indicators.check(`provider:${name}`);
    try {
      const { workflowTypeVersions } = await within(CHECK_TIMEOUT_MS, `provider '${name}'`, provider.capabilities());
      const workflowTypes = Object.keys(workflowTypeVersions);
      return workflowTypes.length > 0
        ? check.up({ kind: provider.kind, workflow_types: workflowTypes })
        : check.down({ kind: provider.kind, message: 'it can run nothing now (no engine found, or its service-info does not answer)' });
    } catch (err) {
      return check.down({ kind: provider.kind, message: (err as Error).message });
    }
  }
}
