/**
 * How long to wait before restarting something that exited: doubling from `initialMs` up to
 * `maxMs`, so a crash loop neither spins nor gives up; back to `initialMs` once it had stayed up
 * `resetAfterMs`, so one crash after a long healthy run is retried at once.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export class Backoff {
  private nextMs: number;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {
    this.nextMs = policy.initialMs;
  }

  /** The delay before restarting what has just exited after being up for `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.policy.resetAfterMs) this.nextMs = this.policy.initialMs;
    const delayMs = this.nextMs;
    this.nextMs = Math.min(delayMs * 2, this.policy.maxMs);
    return delayMs;
  }
}
