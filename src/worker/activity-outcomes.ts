/** Counts every activity attempt of a worker by its outcome, whatever the activity. */
import { CancelledFailure } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WorkerMetrics } from '../../activities/worker-metrics';

export function countActivityOutcomes(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        const activity = context.info.activityType;
        try {
          const result = await next(input);
          metrics.activities.inc({ activity, outcome: 'completed' });
          return result;
        } catch (err) {
          metrics.activities.inc({ activity, outcome: err instanceof CancelledFailure ? 'cancelled' : 'failed' });
          throw err;
        }
      },
    },
  });
}
