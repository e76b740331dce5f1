/** The CLI's exit codes (README, "CLI"): scripts tell a failed run from a failed request by them. */
export const EXIT = {
  /** Done; for a run waited for, COMPLETE. */
  ok: 0,
  /** The run ended EXECUTOR_ERROR or SYSTEM_ERROR. */
  runFailed: 1,
  /** Wrong arguments, or an input the CLI or the API refused (400). */
  usage: 2,
  /** The run ended CANCELED. */
  runCanceled: 3,
  /** The server could not be reached, or answered 5xx (or something unexpected). */
  server: 4,
  /** No such run (404), or the token was refused (401/403). */
  notFound: 5,
  /** The run is in a state that does not allow the action (409). */
  conflict: 6,
} as const;

/** A failure that ends the command with `code`, saying `message`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The exit code of a run that ended in `state`. */
export function exitCodeOfState(state: string): number {
  if (state === 'COMPLETE') return EXIT.ok;
  if (state === 'CANCELED') return EXIT.runCanceled;
  return EXIT.runFailed;
}

/** The exit code of an API error answer. */
export function exitCodeOfStatus(status: number): number {
  if (status === 400 || status === 413 || status === 422) return EXIT.usage;
  if (status === 401 || status === 403 || status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  return EXIT.server;
}
