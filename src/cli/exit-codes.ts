/**
 * The CLI's exit codes (README, "CLI"): scripts tell a failed run from a failed request by them.
 * The root help's table and README's are made from EXIT_CODES, one source.
 */
export const EXIT = {
  ok: 0,
  runFailed: 1,
  usage: 2,
  runCanceled: 3,
  server: 4,
  notFound: 5,
  conflict: 6,
  interrupted: 130,
} as const;

/** What each code means, in code order. */
export const EXIT_CODES: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, 'done; a run waited for (submit --wait) is COMPLETE'],
  [EXIT.runFailed, 'the run ended EXECUTOR_ERROR or SYSTEM_ERROR'],
  [EXIT.usage, 'usage error, or an input refused by the CLI or the API (400)'],
  [EXIT.runCanceled, 'the run ended CANCELED'],
  [EXIT.server, 'the server is unreachable or answered 5xx'],
  [EXIT.notFound, 'no such run (404), or the token is missing or refused (401/403)'],
  [EXIT.conflict, "the run's state does not allow it (409: e.g. resume of a run not PAUSED)"],
  [
    EXIT.interrupted,
    'Ctrl-C while following a run (submit --wait, --follow): the run goes on on the server, and stderr says how to cancel it (durable-wes cancel RUN_ID)',
  ],
];

/** A failure that ends the command with `code`, saying `message`; `status`: the API's HTTP status, when it answered. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code: number,
    readonly status?: number,
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
