/**
 * The shell that stands between a local run's detached process (local-process.ts) and its sandbox,
 * as the worker's user, outside the sandbox:
 *
 *   1. takes one of the host's engine slots (flock on a file of `<slots>/`, held while it lives, so
 *      the count survives worker restarts), waiting while all are taken; says so in `engine_slot`;
 *   2. starts the rest of its argv in the run's cgroups, without the slot's descriptor;
 *   3. watches the run's directory size and its wall time, and stops the run past either, saying
 *      which in `limit_reached`; the watcher is in a session of its own, so the process group that a
 *      cancel signals, and that tests and cleanup look at, is the run's alone.
 *
 * A constant script: the values reach it as positional parameters, never as shell text.
 */
import path from 'node:path';
import { readFileIfExists } from '../../work-dir';

/** Written in the process dir once the engine holds a slot; before that the run is QUEUED. */
export const ENGINE_SLOT_FILE = 'engine_slot';
/** Written in the process dir when the watcher stopped the run: `disk` or `wall`. */
export const LIMIT_REACHED_FILE = 'limit_reached';
/** How often the watcher looks at the run's size and age. */
export const WATCH_EVERY_SECONDS = 5;
/** argv[3] of every sandboxed launch: how a launch's command is told from a bare one. */
export const ENTER_NAME = 'durable-wes-sandbox';

// While no slot is free it waits on one (flock -w), not in a sleep: the group holds no process that
// is not the run's.
const ENTER = String.raw`
d=$1 slots=$2 n=$3 disk=$4 wall=$5 dir=$6 every=$7 watch=$8; shift 9
if [ "$n" -gt 0 ]; then
  tries=0
  while :; do
    i=0
    while [ "$i" -lt "$n" ]; do
      exec 9>>"$slots/$i" || exit 125
      flock -n 9 && break 2
      i=$((i + 1))
    done
    i=$((tries % n)) tries=$((tries + 1))
    exec 9>>"$slots/$i" || exit 125
    flock -w 1 9 && break
  done
  echo "$i" >"$d/engine_slot.tmp" && mv "$d/engine_slot.tmp" "$d/engine_slot" || exit 125
fi
sh -c 'for g; do shift; [ "$g" = -- ] && break; echo $$ >"$g/cgroup.procs" || exit 125; done; exec "$@"' sh "$@" 9>&- &
c=$!
w=
if [ "$disk" -gt 0 ] || [ "$wall" -gt 0 ]; then
  setsid sh -c "$watch" watch "$d" "$c" "$disk" "$wall" "$dir" "$every" 9>&- </dev/null >/dev/null 2>&1 &
  w=$!
fi
wait "$c"
code=$?
[ -n "$w" ] && kill "$w" 2>/dev/null
exit "$code"
`;

// In a session of its own, so that the run's group is only the run; it ends with the run it watches.
const WATCH = String.raw`
d=$1 c=$2 disk=$3 wall=$4 dir=$5 every=$6
start=$(date +%s)
while sleep "$every" && kill -0 "$c" 2>/dev/null; do
  if [ "$disk" -gt 0 ] && [ "$(du -sxb "$dir" 2>/dev/null | cut -f1)" -gt "$disk" ]; then why=disk
  elif [ "$wall" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$wall" ]; then why=wall
  else continue; fi
  echo "$why" >"$d/limit_reached.tmp" && mv "$d/limit_reached.tmp" "$d/limit_reached"
  kill -TERM "$c"
  exit
done
`;

export interface EnterOptions {
  processDir: string;
  /** Where the host's engine slot files are; `count` 0: no cap. */
  slots: { dir: string; count: number };
  /** The cgroup directories the run joins. */
  cgroups: string[];
  /** The directory whose size is watched, and the most it may hold (0: not watched). */
  watched: { dir: string; bytes: number };
  /** 0: no limit of its own. */
  wallSeconds: number;
}

/** `rest` (the sandbox's argv) behind the slot, the cgroups and the watcher. */
export function enterArgv(options: EnterOptions, rest: string[]): string[] {
  const { processDir, slots, cgroups, watched, wallSeconds } = options;
  return [
    'sh',
    '-c',
    ENTER,
    ENTER_NAME,
    processDir,
    slots.dir,
    String(slots.count),
    String(watched.bytes),
    String(wallSeconds),
    watched.dir,
    String(WATCH_EVERY_SECONDS),
    WATCH,
    // $9, shifted with the others: keeps the positional count fixed whatever follows.
    '--',
    ...cgroups,
    '--',
    ...rest,
  ];
}

/** Whether the engine of a sandboxed launch holds its slot yet; true for a launch that took none. */
export async function holdsEngineSlot(processDir: string, cmd: string[]): Promise<boolean> {
  if (cmd[3] !== ENTER_NAME || cmd[6] === '0') return true;
  return (await readFileIfExists(path.join(processDir, ENGINE_SLOT_FILE))) !== undefined;
}

/** What the watcher stopped the run for, if it did. */
export async function watcherLimitReached(processDir: string): Promise<'disk' | 'wall' | undefined> {
  const why = (await readFileIfExists(path.join(processDir, LIMIT_REACHED_FILE)))?.trim();
  return why === 'disk' || why === 'wall' ? why : undefined;
}
