/** What the supervisor needs to know of a service: how to start it, when it is ready, how to stop it. */

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Instance {
  pid: number;
  /** Resolves once it serves; rejects when it cannot (it exited first, or took too long). */
  ready: Promise<void>;
  /** Resolves when the process has ended, however it ended. */
  exited: Promise<Exit>;
  /** Ends it and resolves once it has exited; safe to call after it has. */
  stop(): Promise<void>;
}

export interface Service {
  /** As the supervisor's messages name it. */
  name: string;
  start(): Promise<Instance>;
}

/** Both null for a process we did not spawn, whose exit status only its parent learns. */
export function describeExit({ code, signal }: Exit): string {
  return signal ?? (code === null ? 'status unknown' : `code ${String(code)}`);
}
