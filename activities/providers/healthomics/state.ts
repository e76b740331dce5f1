/** How a HealthOmics run status shows as a provider (WES) state. */
import { type GetRunCommandOutput, RunStatus } from '@aws-sdk/client-omics';
import type { ProviderStatus } from '../../../domain/run-types';

/**
 * HealthOmics failure reasons (see "Run failure reasons" in the HealthOmics user guide) that are
 * the service's or this deployment's fault rather than the workflow's: the service failed, had no
 * capacity, or could not use the role or the output bucket that durable-wes configured.
 */
const SYSTEM_FAILURE_REASONS = ['SERVICE_ERROR', 'INSTANCE_RESERVATION_FAILED', 'ASSUME_ROLE_FAILED', 'EXPORT_FAILED'];

const ENDED: ReadonlySet<string> = new Set([RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.DELETED]);

/** Whether a HealthOmics run in this status has ended. */
export function hasEnded(status: string | undefined): boolean {
  return status !== undefined && ENDED.has(status);
}

export function mapRunStatus(run: Pick<GetRunCommandOutput, 'id' | 'status' | 'statusMessage' | 'failureReason'>): ProviderStatus {
  const label = `HealthOmics run ${run.id ?? '?'} is ${run.status ?? 'of unknown status'}`;
  const withMessage = (s: string) => (run.statusMessage ? `${s}: ${run.statusMessage}` : s);
  switch (run.status) {
    // Waiting for capacity (account or run-group limits, priority): nothing is provisioned yet.
    case RunStatus.PENDING:
      return { state: 'QUEUED', detail: withMessage(label) };
    // Provisioning run storage and the engine node: WES's "preparing to run".
    case RunStatus.STARTING:
      return { state: 'INITIALIZING', detail: withMessage(label) };
    case RunStatus.RUNNING:
      return { state: 'RUNNING', detail: withMessage(label) };
    // Winding down (after a cancel, or exporting before it ends): still running until it has ended.
    case RunStatus.STOPPING:
      return { state: 'RUNNING', detail: withMessage(label) };
    case RunStatus.COMPLETED:
      return { state: 'COMPLETE' };
    case RunStatus.CANCELLED:
      return { state: 'CANCELED', detail: withMessage(`HealthOmics run ${run.id ?? '?'} was cancelled`) };
    case RunStatus.DELETED:
      return { state: 'CANCELED', detail: withMessage(`HealthOmics run ${run.id ?? '?'} was deleted at HealthOmics`) };
    case RunStatus.FAILED: {
      const reason = [run.failureReason, run.statusMessage].filter((s) => s !== undefined && s !== '').join(': ');
      const systemFault = SYSTEM_FAILURE_REASONS.some((code) => new RegExp(`\\b${code}\\b`, 'i').test(run.failureReason ?? ''));
      return {
        state: systemFault ? 'SYSTEM_ERROR' : 'EXECUTOR_ERROR',
        detail: `HealthOmics run ${run.id ?? '?'} failed${reason ? `: ${reason}` : ' without a reason'}`,
      };
    }
    default:
      return { state: 'UNKNOWN', detail: withMessage(label) };
  }
}
