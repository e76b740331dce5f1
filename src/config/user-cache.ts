/**
 * The machine's cache of what durable-wes builds or installs once, pinned, for every checkout:
 * DURABLE_WES_CACHE, else `$XDG_CACHE_HOME/durable-wes`, else `~/.cache/durable-wes`
 * (README.md, "The two commands"). temporal-dev.sh finds it the same way.
 */
import os from 'node:os';
import path from 'node:path';

export const userCacheDir = (): string =>
  process.env.DURABLE_WES_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'durable-wes');
