/**
 * The shell that stands between a local run's detached process (local/process.ts) and its sandbox,
 * as the worker's user, outside the sandbox:
 *
 *   1. takes one of its owner's slots, when owners have a cap, then one of the host's engine slots
 *      (flock on a file of each slot dir, held while it lives, so the counts survive worker restarts
 *      and hold for every worker of the data dir), waiting while all are taken: says what it waits
 *      for in `slot_wait` and, once it holds its slots, says so in `engine_slot`;
 *   2. starts the rest of its argv in the run's cgroups, without the slots' descriptors;
 *   3. watches the run's directory size and its wall time, and stops the run past either, saying
 *      which in `limit_reached`; the watcher is in a session of its own, so the process group that a
 *      cancel signals, and that tests and cleanup look at, is the run's alone.
 *
 * A constant script: the values reach it as positional parameters, never as shell text.
 */
import path from 'node:path';
import { readFileIfExists } from '../../../work-dir';

/** Written in the process dir once the engine holds its slots: it starts. */
export const ENGINE_SLOT_FILE = 'engine_slot';
/** Written in the process dir while every slot is taken: `owner` or `host`, the slots it waits for. */
export const SLOT_WAIT_FILE = 'slot_wait';
/** Written in the process dir when the watcher stopped the run: `disk` or `wall`. */
export const LIMIT_REACHED_FILE = 'limit_reached';
/** How often the watcher looks at the run's size and age. */
export const WATCH_EVERY_SECONDS = 5;
/** argv[3] of every sandboxed launch: how a launch's command is told from a bare one. */
export const ENTER_NAME = 'durable-wes-sandbox';

// While no slot is free it waits on one (flock -w), not in a sleep: the group holds no process that
// is not the run's. `take FD DIR COUNT WHAT` holds one of DIR's COUNT slot files on descriptor FD
// (8: the owner's, 9: the host's); FD is one of these two constants, never a parameter's value.
const ENTER = String.raw`
d=$1 slots=$2 n=$3 owned=$4 owned_n=$5 disk=$6 wall=$7 dir=$8 every=$9; shift 9
watch=$1; shift 2
take() {
  fd=$1 at=$2 count=$3 tries=0
  while :; do
    i=0
    while [ "$i" -lt "$count" ]; do
      eval "exec $fd>>\"\$at/\$i\"" || exit 125
      flock -n "$fd" && return
      i=$((i + 1))
    done
    if [ "$tries" -eq 0 ]; then echo "$4" >"$d/slot_wait.tmp" && mv "$d/slot_wait.tmp" "$d/slot_wait" || exit 125; fi
    i=$((tries % count)) tries=$((tries + 1))
    eval "exec $fd>>\"\$at/\$i\"" || exit 125
    flock -w 1 "$fd" && return
  done
}
[ "$owned_n" -gt 0 ] && take 8 "$owned" "$owned_n" owner
[ "$n" -gt 0 ] && take 9 "$slots" "$n" host
echo "$i" >"$d/engine_slot.tmp" && mv "$d/engine_slot.tmp" "$d/engine_slot" || exit 125
sh -c 'for g; do shift; [ "$g" = -- ] && break; echo $$ >"$g/cgroup.procs" || exit 125; done; exec "$@"' sh "$@" 8>&- 9>&- &
c=$!
w=
if [ "$disk" -gt 0 ] || [ "$wall" -gt 0 ]; then
  setsid sh -c "$watch" watch "$d" "$c" "$disk" "$wall" "$dir" "$every" 8>&- 9>&- </dev/null >/dev/null 2>&1 &
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

/** A set of slot files: `count` of them in `dir`; 0: no cap. */
export interface Slots {
  dir: string;
  count: number;
}

/** The slots a run's engine holds while it lives: its owner's (when owners have a cap), then the host's. */
export interface EngineSlots extends Slots {
  owner?: Slots;
}

export interface EnterOptions {
  processDir: string;
  slots: EngineSlots;
  /** The cgroup directories the run joins. */
  cgroups: string[];
  /** The directory whose size is watched, and the most it may hold (0: not watched). */
  watched: { dir: string; bytes: number };
  /** 0: no limit of its own. */
  wallSeconds: number;
}

/** `rest` (the sandbox's argv) behind the slots, the cgroups and the watcher. */
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
    slots.owner?.dir ?? '',
    String(slots.owner?.count ?? 0),
    String(watched.bytes),
    String(wallSeconds),
    watched.dir,
    String(WATCH_EVERY_SECONDS),
    WATCH,
    // Shifted with the watcher's script: keeps the positional count fixed whatever follows.
    '--',
    ...cgroups,
    '--',
    ...rest,
  ];
}

/**
 * The slots a launch waits for: `owner` or `host` while all of them are taken; undefined once it
 * holds its slots, and for the moment before it has found them taken.
 */
export async function awaitedSlots(processDir: string): Promise<'owner' | 'host' | undefined> {
  if ((await readFileIfExists(path.join(processDir, ENGINE_SLOT_FILE))) !== undefined) return undefined;
  const awaited = (await readFileIfExists(path.join(processDir, SLOT_WAIT_FILE)))?.trim();
  return awaited === 'owner' || awaited === 'host' ? awaited : undefined;
}

/** What the watcher stopped the run for, if it did. */
export async function watcherLimitReached(processDir: string): Promise<'disk' | 'wall' | undefined> {
  const why = (await readFileIfExists(path.join(processDir, LIMIT_REACHED_FILE)))?.trim();
  return why === 'disk' || why === 'wall' ? why : undefined;
}
