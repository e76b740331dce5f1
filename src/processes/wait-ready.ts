/** Polls a readiness check until it passes, the process exits, or time runs out. */
import { describeExit, type Exit } from './service';

export interface ReadinessCheck {
  /** For messages, as "it answers at …". */
  what: string;
  passes(): Promise<boolean>;
  timeoutMs: number;
  intervalMs: number;
}

export async function waitReady(check: ReadinessCheck, exited: Promise<Exit>): Promise<void> {
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + check.timeoutMs;
  for (;;) {
    const passes = await check.passes();
    // Whatever answers after ours has exited is someone else's.
    if (exit) throw new Error(`it exited (${describeExit(exit)}) while we waited until ${check.what}`);
    if (passes) return;
    if (Date.now() > deadline) throw new Error(`waited ${check.timeoutMs / 1000} s in vain until ${check.what}`);
    await new Promise((resolve) => setTimeout(resolve, check.intervalMs));
  }
}
