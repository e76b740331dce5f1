/**
 * Runs workflows with a local engine (cwltool for CWL, snakemake for Snakemake, miniwdl for WDL; engines/)
 * as a detached process on the worker's host, in a sandbox that shows it only its own run
 * (sandbox/, docs/design.md "The sandbox of a local run"). Everything about a run lives in
 * its work dir (see process.ts), so a restarted worker picks its runs up where they are.
 *
 * Work dir layout:
 *   staging/attachments/  where relative workflow_urls resolve (the API stages attachments there)
 *   attachments/          the attachments, moved out of staging/ at cleanup and kept (../../work-dir.ts)
 *   staging/fetched/      http(s) workflows and inputs, fetched by the worker (../fetch/fetched-inputs.ts)
 *   staging/inputs.json   workflow_params: cwltool's job order, snakemake's config file, miniwdl's input JSON
 *   staging/<file>        what the engine's command names beside them (its stagedFiles: miniwdl.cfg)
 *   process/              pid, exit code, stdout and stderr of the engine; engine_start: cwltool warm or cold;
 *                         what its sandbox was made of (sandbox/run-sandbox.ts). Never visible inside the sandbox.
 *   jobs/                 the engine's report of its jobs: cwltool's job logs, Snakemake's job messages
 *   outputs/              the engine's output directory (miniwdl's whole run directory); Snakemake's outputs, linked from project/ once it ended
 *   project/              Snakemake's working directory: its own copy of the project (engines/snakemake-project.ts)
 *   tmp/                  the engine's scratch space
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { activityLog } from '../../activity-log';
import { InvalidRunRequestError } from '../../errors';
import { fetchedFile } from '../../fetch/fetched-inputs';
import { fetchedWorkflow } from '../../fetch/fetched-workflow';
import { isLocationKey } from '../../fetch/input-locations';
import { checkFetchable } from '../../fetch/request-check';
import { insideRoots, isInside, realpathOrUndefined } from '../../paths';
import type { HostCheckLog, OperationContext, Provider, ProviderCapabilities, TaskReport } from '../provider';
import type { LocalSettings } from './settings';
import { engineCommand, warmCommand, warmCwltool, WARM_RECORD, type WarmServer } from './engines/cwltool-warm';
import { engineVersion } from './engines/engine-version';
import { engineExecutable, engineVenv, installEngine, needsInstall } from './engines/engine-install';
import { ATTACHMENTS_DIR, OUTPUTS_DIR, SCRATCH_DIR, STAGING_DIR, writeFileAtomic } from '../../work-dir';
import type { ProviderRun, ProviderStatus, RunResults, WesRunRequest } from '../../../domain/run-types';
import { isLosslessNumber, stringifyExactJson } from '../../../domain/exact-json';
import { splitWorkflowUrl } from '../../../domain/workflow-url';
import { clientOnlyNote, engineReleases, type EngineFiles, type LocalEngine } from './engines/engine';
import { CWLTOOL, LOCAL_ENGINES } from './engines';
import { localEngineFor, validateLocalRequest } from './request';
import { endedJobs } from './ended-jobs';
import { localProcess, type DetachedProcess, type ProcessLaunch } from './process';
import { unsandboxed } from './sandbox/command';
import { checkSandbox } from './sandbox/host';
import { EGRESS_ENV } from './sandbox/egress-sandbox';
import { RunSandbox } from './sandbox/run-sandbox';

const STDERR_TAIL_LINES = 10;
const STDERR_TAIL_BYTES = 8192;

async function tail(file: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

export class LocalProvider implements Provider {
  readonly kind = 'local';
  readonly hostBound = true;
  readonly pollIntervalMs: number;

  /** Only cwltool's default version has a warm start; Snakemake always starts cold. */
  private readonly warm?: WarmServer;
  private readonly sandbox: RunSandbox;

  constructor(private readonly settings: LocalSettings) {
    this.pollIntervalMs = settings.pollIntervalMs;
    this.warm = settings.warmStart ? warmCwltool(this.executable(CWLTOOL, CWLTOOL.releases.default), settings.sandbox) : undefined;
    this.sandbox = new RunSandbox(settings);
  }

  /**
   * The version each executable reports, once found: it does not change while we run. One not
   * found, or one that did not answer, is asked again next time: a loaded host can time out a probe.
   */
  private readonly versions = new Map<string, Promise<string | undefined>>();

  private versionOf(executable: string): Promise<string | undefined> {
    let probe = this.versions.get(executable);
    if (!probe) {
      probe = engineVersion(executable);
      this.versions.set(executable, probe);
      probe.then(
        (version) => version === undefined && this.versions.delete(executable),
        () => this.versions.delete(executable),
      );
    }
    return probe;
  }

  private executable(engine: LocalEngine, version: string): string {
    return engineExecutable(this.settings, engine, version);
  }

  /**
   * The engines whose default version is installed here, each with the versions a run may ask for:
   * the default first, then the others, installed on first use. One whose default does not answer
   * now counts as absent.
   */
  private async installedEngines(): Promise<LocalEngine[]> {
    const found = await Promise.all(
      LOCAL_ENGINES.map((engine) => this.versionOf(this.executable(engine, engine.releases.default)).catch(() => undefined)),
    );
    return LOCAL_ENGINES.filter((_engine, i) => found[i] !== undefined);
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const installed = await this.installedEngines();
    return {
      workflowTypeVersions: Object.fromEntries(installed.flatMap((engine) => Object.entries(engine.workflowTypes))),
      engineVersions: Object.fromEntries(installed.map((engine) => [engine.name, engineReleases(engine)])),
      // Workflows and inputs: files on this host (inside the allowed roots) and http(s) URLs.
      filesystemProtocols: ['file', 'http', 'https'],
    };
  }

  checkHost(name: string, log: HostCheckLog): Promise<void> {
    return checkSandbox(name, this.settings, log);
  }

  validate(request: WesRunRequest): void {
    validateLocalRequest(request, this.settings);
  }

  async pendingInstall(run: ProviderRun): Promise<string | undefined> {
    const { engine, version } = localEngineFor(run.request);
    return (await needsInstall(this.settings, engine, version)) ? `${engine.name} ${version}` : undefined;
  }

  /** Installs the run's engine version on its first use here (the activity heartbeats meanwhile). */
  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    const { engine, version } = localEngineFor(run.request);
    if (await needsInstall(this.settings, engine, version)) {
      activityLog().info(`installing ${engine.name} ${version}`, { venv: engineVenv(this.settings, engine, version) });
      await installEngine(this.settings, engine, version);
    }
    // An engine that does not answer throws EngineUnansweredError: retried, unlike one that is missing.
    if ((await this.versionOf(this.executable(engine, version))) === undefined) {
      throw new InvalidRunRequestError(`local: ${engine.name} ${version} is not installed on this worker`);
    }
    // Loading cwltool takes a moment: begun now, it is likely ready by the submission.
    if (this.warmFor(engine, version)) this.warm?.start();
    await this.resolveWorkflow(run);
    await this.resolveInputs(run);
  }

  async submit(run: ProviderRun): Promise<string> {
    const proc = this.process(run);
    const launched = await proc.launched();
    if (launched) {
      activityLog().info('local engine already launched: attached to it', { pid: launched.pid, engine_host: launched.host });
      return this.externalId(launched);
    }
    // Resolved again rather than read back from staging: nothing written to disk is trusted here.
    const { engine, version, parameters } = localEngineFor(run.request);
    const workflow = await this.resolveWorkflow(run);
    const inputs = await this.resolveInputs(run);
    const inputsFile = path.join(run.workDir, STAGING_DIR, 'inputs.json');
    const { outputsDir, jobsDir } = this.engineFiles(run);
    const scratchDir = path.join(run.workDir, SCRATCH_DIR);
    await writeFileAtomic(inputsFile, stringifyExactJson(inputs));
    await mkdir(outputsDir, { recursive: true });
    await mkdir(scratchDir, { recursive: true });
    await mkdir(jobsDir, { recursive: true });
    const executable = this.executable(engine, version);
    const passedEnv = this.settings.sandbox !== 'off' && this.settings.sandbox.egress ? EGRESS_ENV : [];
    const note = clientOnlyNote(engine, parameters.clientOnly);
    if (note !== undefined) activityLog().info(note);
    const input = {
      executable,
      version,
      containers: this.settings.containers,
      workDir: run.workDir,
      workflow,
      inputsFile,
      outputsDir,
      scratchDir,
      jobsDir,
      parameters: parameters.argv,
      passedEnv,
    };
    for (const [name, content] of Object.entries(engine.stagedFiles?.(input) ?? {})) {
      await writeFileAtomic(path.join(path.dirname(inputsFile), name), content);
    }
    const cmd = engine.command(input);
    const ownDir = engine.workingDir && path.join(run.workDir, engine.workingDir.name);
    const warm = this.warmFor(engine, version) && this.warm;
    const { command, binds } = warm ? await warmCommand(warm, cmd, path.join(proc.dir, WARM_RECORD)) : { command: cmd, binds: [] };
    const sandboxed = await this.sandbox.wrap(
      {
        runId: run.runId,
        owner: run.owner,
        workDir: run.workDir,
        processDir: proc.dir,
        // Runs live in <data dir>/runs/<run id> (work-dir.ts).
        dataDir: path.dirname(path.dirname(run.workDir)),
        readOnly: [path.join(run.workDir, STAGING_DIR), ...engine.helperFiles],
        writable: [ownDir ?? outputsDir, jobsDir, scratchDir],
        scratchDir,
      },
      command,
      [executable],
      // The warm client runs inside, and the engine the server forks for it (cwltool-warm.ts).
      binds,
    );
    await engine.workingDir?.fill(input);
    const launch = await proc.launch(sandboxed.argv, run.workDir, sandboxed.logBytes);
    activityLog().info(`local engine ${engine.name} launched`, { pid: launch.pid, engine_host: launch.host, cmd: launch.cmd });
    return this.externalId(launch);
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const proc = this.process(run);
    const seen = await proc.inspect();
    if (seen.phase === 'exited' && seen.exitCode === 0) return { state: 'COMPLETE' };
    if (seen.phase === 'running') {
      await this.sandbox.attach(run.runId, proc.dir);
      const waiting = await this.sandbox.queued(proc.dir);
      return waiting ? { state: 'QUEUED', detail: waiting } : { state: 'RUNNING' };
    }
    if (seen.cancelRequested) return { state: 'CANCELED' };
    switch (seen.phase) {
      case 'not_started':
        return { state: 'QUEUED' };
      case 'exited': {
        const lines = (await tail(proc.stderrPath, STDERR_TAIL_BYTES)).trimEnd().split('\n').slice(-STDERR_TAIL_LINES);
        const engine = path.basename(engineCommand(unsandboxed(seen.launch?.cmd ?? []))[0] ?? 'the engine');
        const limit = await this.sandbox.limitReached(proc.dir);
        return {
          state: 'EXECUTOR_ERROR',
          detail: `${limit ? `${limit}: ` : ''}${engine} exited with ${seen.exitCode}:\n${lines.join('\n')}`,
        };
      }
      case 'died':
        return {
          state: 'SYSTEM_ERROR',
          detail: `the engine (pid ${seen.launch?.pid ?? 'unknown'}) disappeared without an exit code and no cancel was requested: killed, or the host restarted`,
        };
    }
  }

  statusChanged(run: ProviderRun, maxMs: number, signal: AbortSignal): Promise<void> {
    return this.process(run).changed(maxMs, signal);
  }

  async cancel(run: ProviderRun): Promise<void> {
    activityLog().info('local engine cancelled: SIGTERM to its process group, SIGKILL after the grace time', {
      grace_ms: this.settings.cancelGraceMs,
    });
    await this.process(run).stop(this.settings.cancelGraceMs);
    activityLog().info('local engine stopped');
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const proc = this.process(run);
    const launch = await proc.launched();
    const { engine, parameters } = localEngineFor(run.request);
    const outputs = await engine.outputs(proc.stdoutPath, this.engineFiles(run));
    const note = clientOnlyNote(engine, parameters.clientOnly);
    let endTime: string | undefined;
    let exitCode: number | undefined;
    try {
      const [text, info] = await Promise.all([readFile(proc.exitCodePath, 'utf8'), stat(proc.exitCodePath)]);
      exitCode = Number(text.trim());
      endTime = info.mtime.toISOString();
    } catch {
      // Killed, or never started: there is no end to report.
    }
    if (exitCode === undefined) activityLog().warn('local engine ended without an exit code', { pid: launch?.pid });
    else activityLog().info(`local engine exited with ${exitCode}`, { pid: launch?.pid, exit_code: exitCode });
    return {
      outputs,
      log: {
        name: engine.name,
        cmd: launch && engineCommand(unsandboxed(launch.cmd)),
        start_time: launch?.startedAt,
        end_time: endTime,
        stdout: proc.stdoutPath,
        stderr: proc.stderrPath,
        exit_code: exitCode,
        ...(note === undefined ? {} : { system_logs: [note] }),
      },
    };
  }

  /**
   * The engine's jobs so far. Once the engine has ended, a job it never reported the end of ended
   * with it (ended-jobs.ts).
   */
  async tasks(run: ProviderRun): Promise<TaskReport[]> {
    const { engine } = localEngineFor(run.request);
    const seen = await this.process(run).inspect();
    const jobs = await engine.jobs(this.engineFiles(run));
    return seen.phase === 'exited' || seen.phase === 'died' ? endedJobs(jobs, seen.cancelRequested) : jobs;
  }

  async cleanup(run: ProviderRun): Promise<void> {
    const proc = this.process(run);
    await proc.killLeftovers();
    await this.sandbox.release(proc.dir);
  }

  /**
   * The workflow as the engine should be given it: a real path we allow, or the file fetched from its
   * http(s) URL; with a #fragment, that file's URL with it (`file:///…/wf.cwl#main`), as cwltool takes it.
   */
  private async resolveWorkflow(run: ProviderRun): Promise<string> {
    const { document, fragment } = splitWorkflowUrl(run.request.workflow_url.trim());
    const file = await this.resolveReference(run, document, 'workflow');
    return fragment === undefined ? file : `${pathToFileURL(file).href}#${fragment}`;
  }

  /**
   * workflow_params with every CWL File or Directory location resolved as the workflow itself is:
   * relative to the run's attachments, inside the allowed roots, or fetched from an http(s) URL.
   * The engine reads what its job file names, so nothing else on this host may be named there.
   */
  private async resolveInputs(run: ProviderRun): Promise<Record<string, unknown>> {
    // Again here: an approver's resume input joins workflow_params after validate saw them.
    checkFetchable(run.request, this.settings.fetch);
    const paths = localEngineFor(run.request).engine.fileInputs === 'paths';
    const visit = async (value: unknown): Promise<unknown> => {
      if (Array.isArray(value)) return Promise.all(value.map(visit));
      if (paths && typeof value === 'string') return this.resolvePath(run, value);
      if (value === null || typeof value !== 'object' || isLosslessNumber(value)) return value;
      const object = value as Record<string, unknown>;
      const resolved: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(object)) {
        resolved[key] =
          isLocationKey(object, key) && typeof item === 'string' ? await this.resolveReference(run, item, 'input') : await visit(item);
      }
      return resolved;
    };
    return (await visit(run.request.workflow_params ?? {})) as Record<string, unknown>;
  }

  /**
   * A string of a WDL input, which may be a File's path (docs/design.md, "WDL through miniwdl"): a
   * `file:` URL or an absolute path is resolved as a CWL location is (inside the workflow roots, or
   * an attachment), else refused; a relative path that names one of the run's attachments becomes
   * its real path, one that leaves them is refused. Anything else (http(s) URLs too: miniwdl fetches
   * a File's itself, with egress) stays as it is.
   */
  private async resolvePath(run: ProviderRun, value: string): Promise<string> {
    if (/^file:/i.test(value) || path.isAbsolute(value)) return this.resolveReference(run, value, 'input');
    if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.trim() === '') return value;
    const base = path.join(run.workDir, ATTACHMENTS_DIR);
    // One that leaves the attachments is refused as a CWL location is, whatever it was meant to be.
    const named = path.resolve(base, value);
    if (named === base || (isInside(named, base) && (await realpathOrUndefined(named)) === undefined)) return value;
    return this.resolveReference(run, value, 'input');
  }

  private async resolveReference(run: ProviderRun, reference: string, what: 'workflow' | 'input'): Promise<string> {
    const url = reference.trim();
    if (/^https?:\/\//i.test(url)) return (what === 'workflow' ? fetchedWorkflow : fetchedFile)(run.workDir, url, this.settings.fetch);
    if (/^file:/i.test(url)) {
      let file: string;
      try {
        file = fileURLToPath(url);
      } catch (err) {
        throw new InvalidRunRequestError(`local: bad file URL ${url}: ${(err as Error).message}`);
      }
      return this.absolute(run, file, url, what);
    }
    const label = what === 'workflow' ? 'workflow_url' : 'input location';
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) throw new InvalidRunRequestError(`local: unsupported ${label} scheme: ${url}`);
    if (path.isAbsolute(url)) return this.absolute(run, url, url, what);
    return this.attachment(run, url, what);
  }

  /** A path relative to the run's attachments, read as a path: `A:Gln2Cys` is a file's name there, not a scheme. */
  private async attachment(run: ProviderRun, url: string, what: 'workflow' | 'input'): Promise<string> {
    const label = what === 'workflow' ? 'workflow_url' : 'input location';
    const base = path.join(run.workDir, ATTACHMENTS_DIR);
    // Checked lexically first, then again after symlinks are followed.
    if (!isInside(path.resolve(base, url), base)) {
      throw new InvalidRunRequestError(`local: relative ${label} must stay inside the run's attachments: ${url}`);
    }
    const real = await realpathOrUndefined(path.resolve(base, url));
    const realBase = await realpathOrUndefined(base);
    if (real === undefined || realBase === undefined) {
      throw new InvalidRunRequestError(`local: ${what} ${url} is not among the run's attachments`);
    }
    if (!isInside(real, realBase)) {
      throw new InvalidRunRequestError(`local: ${what} ${url} links outside the run's attachments`);
    }
    return this.checkKind(real, url, what);
  }

  /**
   * An absolute path: inside the workflow roots; or, for an input outside them, the attachment
   * whose path is the longest tail of it. Clients such as wes-client name an input by its path on
   * their own machine (`file:///home/me/data/one.txt`) and upload it by its name (`one.txt`).
   */
  private async absolute(run: ProviderRun, file: string, url: string, what: 'workflow' | 'input'): Promise<string> {
    if (what === 'input' && (await insideRoots(file, this.settings.workflowRoots)) === undefined) {
      const segments = file.split(path.sep).filter(Boolean);
      for (let first = 0; first < segments.length; first++) {
        const attached = segments.slice(first).join('/');
        if ((await realpathOrUndefined(path.join(run.workDir, ATTACHMENTS_DIR, attached))) !== undefined)
          return this.attachment(run, attached, what);
      }
    }
    return this.insideRoots(file, url, what);
  }

  private async insideRoots(file: string, url: string, what: 'workflow' | 'input'): Promise<string> {
    if ((await realpathOrUndefined(file)) === undefined) throw new InvalidRunRequestError(`local: ${what} not found: ${url}`);
    const real = await insideRoots(file, this.settings.workflowRoots);
    if (real === undefined) throw new InvalidRunRequestError(`local: ${what} ${url} is outside the allowed workflow roots`);
    return this.checkKind(real, url, what);
  }

  /** A workflow must be a file; an input may be a file or a directory. */
  private async checkKind(real: string, url: string, what: 'workflow' | 'input'): Promise<string> {
    if (what === 'workflow' && !(await stat(real)).isFile()) {
      throw new InvalidRunRequestError(`local: workflow ${url} is not a file`);
    }
    return real;
  }

  /** The warm server loads the default cwltool: other versions start cold. */
  private warmFor(engine: LocalEngine, version: string): boolean {
    return engine === CWLTOOL && version === CWLTOOL.releases.default;
  }

  private process(run: ProviderRun): DetachedProcess {
    return localProcess(run.workDir);
  }

  private engineFiles(run: ProviderRun): EngineFiles {
    return {
      workDir: run.workDir,
      stderrFile: this.process(run).stderrPath,
      outputsDir: path.join(run.workDir, OUTPUTS_DIR),
      jobsDir: path.join(run.workDir, 'jobs'),
    };
  }

  private externalId(launch: ProcessLaunch): string {
    return `local:${launch.host}:${launch.pid}`;
  }
}
