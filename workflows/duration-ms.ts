/**
 * A Temporal `Duration` (milliseconds, or a string such as '30m') in milliseconds, read by the
 * `ms` package the SDK reads durations with (its `Duration` is `ms`'s `StringValue` or a number):
 * the public way, since the SDK's own converter lives in a private module.
 */
import type { Duration } from '@temporalio/common';
import ms from 'ms';

export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const millis = ms(duration);
  if (Number.isNaN(millis)) throw new TypeError(`Invalid duration string: '${duration}'`);
  return millis;
}
