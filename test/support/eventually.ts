/**
 * The tests' one polling loop: ask until the answer is what is awaited, or fail after a deadline
 * with the last answer, so a timeout says what was seen instead of only that time ran out.
 */
export interface EventuallyOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

/**
 * Calls `probe` until `done` holds for its answer and returns that answer. A probe that throws
 * counts as "not yet" (a server still starting); its error is reported if time runs out.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean = Boolean,
  { timeoutMs = 30_000, intervalMs = 100, what = 'the condition' }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown };
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const seen = 'error' in last ? `error ${String(last.error)}` : JSON.stringify(last.value);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}
