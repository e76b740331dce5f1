/**
 * How the bench puts a figure next to its baseline: interleaved, so that whatever else the machine
 * does in the meantime (a compaction, a GC, a noisy neighbour) lands on both sides alike.
 */
import { now } from './time';

/** n rounds of one sample each; the order flips every round, so neither side always goes first. */
export async function alternate(rounds: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      await a();
      await b();
    } else {
      await b();
      await a();
    }
  }
}

/** ABBA, BAAB, ...: the side of each of 2·pairs windows, balanced in position as well as count. */
export function abba<T>(pairs: number, a: T, b: T): T[] {
  const order: T[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? [a, b] : [b, a]));
  return order;
}

export interface Window {
  /** Runs' worth of work done inside the measured interval (see closedLoop). */
  completed: number;
  /** Operations that failed, wherever they ended. */
  failed: number;
  perSecond: number;
}

/**
 * A closed loop: `clients` workers each start a new operation as soon as their last one ended,
 * for `rampMs` unmeasured and then `measureMs` measured; operations in flight at the end finish.
 * Each successful operation counts for the share of its duration that falls inside the measured
 * interval. Counting whole operations that end inside it would be all-or-nothing once an operation
 * lasts about as long as the interval (ten end in it, or none); counting the ramp or the drain would
 * charge the slower side with time in which fewer clients work.
 */
export async function closedLoop(clients: number, rampMs: number, measureMs: number, operation: () => Promise<boolean>): Promise<Window> {
  const from = now() + rampMs;
  const until = from + measureMs;
  let completed = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (now() < until) {
        const started = now();
        const ok = await operation();
        const ended = now();
        if (!ok) failed++;
        else if (ended > started) completed += Math.max(0, Math.min(ended, until) - Math.max(started, from)) / (ended - started);
      }
    }),
  );
  return { completed, failed, perSecond: (completed * 1000) / measureMs };
}
