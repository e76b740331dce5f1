export async function noop(): Promise<void> {
  // The floor measures Temporal's round trips, not work.
}
