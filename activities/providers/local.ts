/**
 * Runs CWL with cwltool as a detached process on the worker's host. Everything about a run lives in
 * its work dir (see local-process.ts), so a restarted worker picks its runs up where they are.
 *
 * Work dir layout:
 *   staging/attachments/  where relative workflow_urls resolve (the API stages attachments there)
 *   staging/inputs.json   workflow_params, as cwltool's job order
 *   process/              pid, exit code, stdout (cwltool's output object) and stderr of cwltool
 *   outputs/              cwltool --outdir
 *   tmp/                  cwltool's scratch space
 */
import { mkdir, open, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidRunRequestError, ProviderRejectedError } from '../errors';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import { engineVersion } from './engine-version';
import { SCRATCH_DIR, STAGING_DIR, writeFileAtomic } from '../work-dir';
import type { ProviderRun, ProviderStatus, ResumeInput, RunResults, WesRunRequest } from '../../workflows/run-types';
import { DetachedProcess, type ProcessRecord } from './local-process';

export interface LocalProviderOptions {
  /** The cwltool executable (default `cwltool`, looked up on PATH). */
  cwltool?: string;
  /** Absolute directories from which an absolute path or file:// workflow_url may be run. */
  workflowRoots: string[];
  pollIntervalMs?: number;
}

const CWL_VERSIONS = ['1.0', '1.1', '1.2'];
const STDERR_TAIL_LINES = 10;
const STDERR_TAIL_BYTES = 8192;

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

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
  readonly pollIntervalMs: number;
  private readonly cwltool: string;
  private readonly workflowRoots: string[];

  constructor(options: LocalProviderOptions) {
    this.cwltool = options.cwltool ?? 'cwltool';
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    for (const root of options.workflowRoots) {
      if (!path.isAbsolute(root)) throw new Error(`local provider: workflow root must be absolute: ${root}`);
    }
    this.workflowRoots = options.workflowRoots;
  }

  /** Asked once: an engine's version does not change while we run. */
  private capabilitiesFound?: Promise<ProviderCapabilities>;

  capabilities(): Promise<ProviderCapabilities> {
    this.capabilitiesFound ??= engineVersion(this.cwltool).then(
      (cwltool): ProviderCapabilities => ({
        workflowTypeVersions: cwltool ? { CWL: CWL_VERSIONS.map((v) => `v${v}`) } : {},
        engineVersions: cwltool ? { cwltool: [cwltool] } : {},
        // Workflows and inputs: files on this host (inside the allowed roots) and http(s) URLs.
        filesystemProtocols: ['file', 'http', 'https'],
      }),
    );
    return this.capabilitiesFound;
  }

  validate(request: WesRunRequest): void {
    if (typeof request.workflow_type !== 'string' || request.workflow_type.toUpperCase() !== 'CWL') {
      throw new InvalidRunRequestError(`local: workflow_type must be CWL, not ${JSON.stringify(request.workflow_type)}`);
    }
    const version = String(request.workflow_type_version ?? '').replace(/^v/i, '');
    if (!CWL_VERSIONS.includes(version)) {
      throw new InvalidRunRequestError(
        `local: workflow_type_version must be one of ${CWL_VERSIONS.map((v) => `v${v}`).join(', ')}, not ${JSON.stringify(request.workflow_type_version)}`,
      );
    }
    if (typeof request.workflow_url !== 'string' || request.workflow_url.trim() === '') {
      throw new InvalidRunRequestError('local: workflow_url is required');
    }
    const params = request.workflow_params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new InvalidRunRequestError('local: workflow_params must be an object (the CWL job order)');
    }
    if (request.workflow_engine !== undefined && request.workflow_engine.toLowerCase() !== 'cwltool') {
      throw new InvalidRunRequestError(`local: only the cwltool engine is available, not ${request.workflow_engine}`);
    }
  }

  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    this.validate(run.request);
    await this.resolveWorkflow(run);
  }

  async submit(run: ProviderRun): Promise<string> {
    const proc = this.process(run);
    const launched = await proc.record();
    if (launched) return this.externalId(launched);
    // Resolved again rather than read back from staging: nothing written to disk is trusted here.
    this.validate(run.request);
    const workflow = await this.resolveWorkflow(run);
    const inputs = path.join(run.workDir, STAGING_DIR, 'inputs.json');
    const outputs = path.join(run.workDir, 'outputs');
    // A trailing separator makes cwltool create its temp dirs inside tmp/, not beside it.
    const scratch = path.join(run.workDir, SCRATCH_DIR) + path.sep;
    await mkdir(path.dirname(inputs), { recursive: true });
    await writeFileAtomic(inputs, JSON.stringify(run.request.workflow_params ?? {}));
    await mkdir(outputs, { recursive: true });
    await mkdir(scratch, { recursive: true });
    const cmd = [
      this.cwltool,
      '--disable-color',
      '--outdir', outputs,
      '--tmpdir-prefix', scratch,
      '--tmp-outdir-prefix', scratch,
      workflow,
      inputs,
    ];
    return this.externalId(await proc.launch(cmd, run.workDir));
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const proc = this.process(run);
    const seen = await proc.inspect();
    if (seen.phase === 'exited' && seen.exitCode === 0) return { state: 'COMPLETE' };
    if (seen.phase === 'running') return { state: 'RUNNING' };
    if (seen.cancelRequested) return { state: 'CANCELED' };
    switch (seen.phase) {
      case 'not_started':
        return { state: 'QUEUED' };
      case 'exited': {
        const lines = (await tail(proc.stderrPath, STDERR_TAIL_BYTES)).trimEnd().split('\n').slice(-STDERR_TAIL_LINES);
        return { state: 'EXECUTOR_ERROR', detail: `cwltool exited with ${seen.exitCode}:\n${lines.join('\n')}` };
      }
      case 'died':
        return {
          state: 'SYSTEM_ERROR',
          detail: `cwltool (pid ${seen.record?.pid}) disappeared without an exit code and no cancel was requested: killed, or the host restarted`,
        };
    }
  }

  async cancel(run: ProviderRun): Promise<void> {
    await this.process(run).stop();
  }

  async resume(_run: ProviderRun, _input: ResumeInput): Promise<void> {
    throw new ProviderRejectedError('local: cwltool runs cannot be paused, so there is nothing to resume');
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const proc = this.process(run);
    const record = await proc.record();
    let outputs: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(await readFile(proc.stdoutPath, 'utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) outputs = parsed as Record<string, unknown>;
    } catch {
      // No output object: cwltool failed before printing one.
    }
    let endTime: string | undefined;
    let exitCode: number | undefined;
    try {
      const [text, info] = await Promise.all([readFile(proc.exitCodePath, 'utf8'), stat(proc.exitCodePath)]);
      exitCode = Number(text.trim());
      endTime = info.mtime.toISOString();
    } catch {
      // Killed, or never started: there is no end to report.
    }
    return {
      outputs,
      log: {
        name: 'cwltool',
        cmd: record?.cmd,
        start_time: record?.startedAt,
        end_time: endTime,
        stdout: proc.stdoutPath,
        stderr: proc.stderrPath,
        exit_code: exitCode,
      },
    };
  }

  async cleanup(run: ProviderRun): Promise<void> {
    await this.process(run).killLeftovers();
  }

  /** The workflow as cwltool should be given it: an http(s) URL, or a real path we allow. */
  private async resolveWorkflow(run: ProviderRun): Promise<string> {
    const url = run.request.workflow_url.trim();
    if (/^https?:\/\//i.test(url)) return url;
    if (/^file:/i.test(url)) {
      let file: string;
      try {
        file = fileURLToPath(url);
      } catch (err) {
        throw new InvalidRunRequestError(`local: bad file URL ${url}: ${(err as Error).message}`);
      }
      return this.insideRoots(file, url);
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) throw new InvalidRunRequestError(`local: unsupported workflow_url scheme: ${url}`);
    if (path.isAbsolute(url)) return this.insideRoots(url, url);

    const base = path.join(run.workDir, STAGING_DIR, 'attachments');
    // Checked lexically first, then again after symlinks are followed.
    if (!isInside(path.resolve(base, url), base)) {
      throw new InvalidRunRequestError(`local: relative workflow_url must stay inside the run's attachments: ${url}`);
    }
    const real = await realpathOrUndefined(path.resolve(base, url));
    const realBase = await realpathOrUndefined(base);
    if (real === undefined || realBase === undefined) {
      throw new InvalidRunRequestError(`local: workflow ${url} is not among the run's attachments`);
    }
    if (!isInside(real, realBase)) {
      throw new InvalidRunRequestError(`local: workflow ${url} links outside the run's attachments`);
    }
    return this.regularFile(real, url);
  }

  private async insideRoots(file: string, url: string): Promise<string> {
    const real = await realpathOrUndefined(file);
    if (real === undefined) throw new InvalidRunRequestError(`local: workflow not found: ${url}`);
    for (const root of this.workflowRoots) {
      const realRoot = await realpathOrUndefined(root);
      if (realRoot !== undefined && isInside(real, realRoot)) return this.regularFile(real, url);
    }
    throw new InvalidRunRequestError(`local: workflow ${url} is outside the allowed workflow roots`);
  }

  private async regularFile(real: string, url: string): Promise<string> {
    if (!(await stat(real)).isFile()) throw new InvalidRunRequestError(`local: workflow ${url} is not a file`);
    return real;
  }

  private process(run: ProviderRun): DetachedProcess {
    return new DetachedProcess(path.join(run.workDir, 'process'));
  }

  private externalId(record: ProcessRecord): string {
    return `local:${record.host}:${record.pid}`;
  }
}
