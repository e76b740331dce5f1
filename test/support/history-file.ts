/**
 * History files for the replay tests. The SDK's own historyToJSON/historyFromJSON fail in
 * @temporalio/common 1.24.0 ("type must be a Type": it nests protobufjs 8 while @temporalio/proto
 * uses 7), so histories are stored as protobufjs objects of @temporalio/proto, which round-trip.
 */
import { temporal } from '@temporalio/proto';
import { readFileSync, writeFileSync } from 'node:fs';

const { History } = temporal.api.history.v1;
const CONVERSION = { longs: String, enums: String, bytes: String, defaults: false } as const;

export function writeHistory(file: string, history: temporal.api.history.v1.IHistory): void {
  const object = History.toObject(History.fromObject(history), CONVERSION);
  writeFileSync(file, `${JSON.stringify(object, null, 1)}\n`);
}

export function readHistory(file: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
}
