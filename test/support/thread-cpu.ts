/**
 * CPU time of the calling thread, for tests that bound what work costs rather than how long it
 * takes: a loaded machine (npm test runs the cluster suites beside the jest suites) stretches wall
 * time, not CPU time.
 */

/** Starts counting; the returned function gives the thread's CPU time since, in ms. */
export function threadCpuClock(): () => number {
  const started = process.threadCpuUsage();
  return () => {
    const { user, system } = process.threadCpuUsage(started);
    return (user + system) / 1000;
  };
}

/** The CPU time `work` takes on this thread, in ms. */
export function cpuMsOf(work: () => void): number {
  const elapsed = threadCpuClock();
  work();
  return elapsed();
}
