/** The settings of the local provider (config.ts reads them from the providers document). */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../../repo-root';
import { allowList, byteSize, fetchSchema, GiB, maxConcurrent, positiveInteger, text, type Env } from '../settings-schemas';

/** The container runtimes a local provider may give its engines' jobs (docs/deployment.md, "Containers"). */
export const CONTAINERS = ['none', 'docker', 'podman', 'singularity', 'apptainer'] as const;
export type Containers = (typeof CONTAINERS)[number];

/** The limits of a local run's sandbox (below). */
const sandboxLimitsSchema = z.strictObject({
  /** The unprivileged user runs are run as when the worker is root (made by scripts/engines.sh, or at start-up). */
  user: text().default('durable-wes-run'),
  memory: byteSize().default(8 * 2 ** 30),
  /** Processes (and threads) of one run at once. */
  processes: positiveInteger().default(1024),
  /** CPU time as a number of cores (1.5: one and a half); all of them when absent. */
  cpus: z.number({ error: 'must be a positive number of cores' }).positive({ error: 'must be a positive number of cores' }).optional(),
  /** The engine is stopped past this; WES_RUN_TIMEOUT, when set, is the one limit instead. */
  wallTimeSeconds: positiveInteger().default(7 * 24 * 3600),
  /** The run's directory (outputs, jobs, scratch), and any one file in it. */
  disk: byteSize().default(100 * 2 ** 30),
  /** Of each of the engine's stdout and stderr; the rest is dropped, with a line saying so. */
  logBytes: byteSize().default(64 * 2 ** 20),
  /** Worker environment variables passed to runs, beyond PATH, HOME, TMPDIR, LANG and LC_ALL. */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })).default([]),
  /**
   * Outbound connections through the worker's guarded proxy (sandbox/egress-proxy.ts, docs/design.md
   * "Egress"); false: no network at all.
   */
  egress: z.boolean({ error: 'must be true or false' }).default(false),
  /** What runs may reach besides public addresses; not fetch.allow: a run's code sends anything, the worker only GETs. */
  egressAllow: allowList(),
  /** Destination ports runs may reach. */
  egressPorts: z
    .array(
      z
        .int({ error: 'must be a port from 1 to 65535' })
        .min(1, { error: 'must be a port from 1 to 65535' })
        .max(65535, { error: 'must be a port from 1 to 65535' }),
    )
    .min(1, { error: 'must name at least one port' })
    .default([80, 443]),
  /** Connections of one run through the proxy at once. */
  egressConnections: positiveInteger().default(64),
  /** Bytes one run may send and receive through the proxy in all. */
  egressBytes: byteSize().default(10 * GiB),
  /** A connection through the proxy that moves nothing this long is closed. */
  egressIdleSeconds: positiveInteger().default(300),
});

/**
 * The sandbox of a local run's engine (docs/design.md, "The sandbox of a local run"): the isolation
 * is fixed, the limits are settings. `"off"` runs engines bare, as the worker's own user; the
 * operator must say so, and service-info and the worker's start-up log show it. Not a z.union, so
 * that a bad limit is named rather than "not off nor an object".
 */
const sandboxSchema = (env: Env) =>
  z
    .unknown()
    .prefault({})
    .transform((value, context): 'off' | (Omit<z.output<typeof sandboxLimitsSchema>, 'wallTimeSeconds'> & { wallTimeSeconds?: number }) => {
      if (value === 'off') return 'off';
      const parsed = sandboxLimitsSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          context.issues.push({ code: 'custom', path: issue.path, message: issue.message, input: value });
        return z.NEVER;
      }
      // The workflow's own timer is then the one limit.
      return env.WES_RUN_TIMEOUT === undefined ? parsed.data : { ...parsed.data, wallTimeSeconds: undefined };
    });

export const localSettings = (env: Env) =>
  z.strictObject({
    kind: z.literal('local'),
    maxConcurrent,
    /**
     * Where each engine version has its venv (engines/engine-install.ts, docs/deployment.md "Engine
     * versions"): made there by scripts/engines.sh for the defaults and by the worker on first use.
     */
    engineCache: text()
      .transform((dir) => path.resolve(dir))
      .default(path.join(repoRoot, '.cache', 'engines')),
    /**
     * An executable (looked up on PATH unless a path is given) that runs the engine's default version
     * instead of its venv in engineCache; its other versions are still installed there.
     */
    cwltool: text().optional(),
    snakemake: text().optional(),
    miniwdl: text().optional(),
    /**
     * What runs the containers a workflow's jobs ask for (a CWL DockerRequirement, a WDL runtime
     * `docker`, a Snakemake `container:`): none runs them on the host as they are.
     */
    containers: z.enum(CONTAINERS, { error: `must be one of ${CONTAINERS.join(', ')}` }).default('none'),
    /** Directories from which an absolute path or file:// workflow_url may be run. */
    workflowRoots: z.array(text().refine((root) => path.isAbsolute(root), { error: 'must be an absolute path' })).default([]),
    // The exit is noticed as its file is written (statusChanged); polling only backs that up.
    pollIntervalMs: positiveInteger().default(1000),
    /** How long a cancelled engine has after SIGTERM before its process group is SIGKILLed. */
    cancelGraceMs: positiveInteger().default(3000),
    /** cwltool forked from a server that has loaded it already (cwltool-warm.ts); false: a fresh process per run. */
    warmStart: z.boolean({ error: 'must be true or false' }).default(true),
    fetch: fetchSchema,
    sandbox: sandboxSchema(env),
    /**
     * Engines running at once on this host, counted by the slots their shells hold (sandbox/enter.ts),
     * whichever worker started them; a run past it waits, QUEUED. Engines mostly wait on their jobs:
     * twice the cores by default.
     */
    maxEngines: positiveInteger().default(Math.max(2, 2 * os.availableParallelism())),
    /** Engines of one owner running at once on this host, counted as maxEngines is; unset: no cap of its own. */
    maxEnginesPerOwner: positiveInteger().optional(),
  });

export type LocalSettings = z.output<ReturnType<typeof localSettings>>;
export type SandboxSettings = Exclude<LocalSettings['sandbox'], 'off'>;
