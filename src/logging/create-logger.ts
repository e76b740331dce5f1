/**
 * The processes' logger (docs/deployment.md, "Operations"): one JSON object a line when stdout is
 * not a terminal (a log collector reads it), readable text on a terminal.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config';
import { batchedStdout } from './batched-stdout';
import { plainTextStream } from './plain-text';

export interface LoggerOptions {
  /** Which process: the `name` of every line. */
  name: string;
  level: LogLevel;
  /** Where the lines go; stdout unless given (tests capture them). */
  destination?: DestinationStream;
}

export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      name,
      level,
      // `error` is the SDK's key for errors (`err` is pino's): both keep their stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      // The Temporal SDK puts an activity's task token on the lines about it; whoever holds one can
      // complete or fail that activity, so no line carries it (docs/deployment.md, "Operations").
      redact: { paths: ['taskToken', '*.taskToken'], remove: true },
    },
    destination ?? (process.stdout.isTTY ? plainTextStream(process.stdout) : batchedStdout()),
  );
}
