/**
 * POST /runs: validate at the edge (every mistake a 400, never a failed run), stage the
 * attachments, start the run's workflow, record the run as QUEUED in the read model.
 */
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { runWorkDir } from '../../../activities/work-dir';
import type { RunInput } from '../../../domain/run-types';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import { CONFIG, PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { RunWorkflows } from '../temporal/run-workflows';
import { isRelativeUrl, splitWorkflowUrl } from '../../../domain/workflow-url';
import { checkAttachments, normalRelativePath, stageAttachments, type Attachment } from './attachments';
import { checkedProvider } from './provider-check';
import { runIdFor } from './run-id';
import { TaskReading } from './task-reading.service';
import { isTaskRequest, taskInput } from './task-submission';
import { toRunSubmission, type RunRequestBody, type RunSubmission } from './run-submission';

export interface UploadedFile {
  originalname: string;
  path: string;
}

/** The run id, the request and the owner: what every run starts from. */
type RunRef = Pick<RunInput, 'runId' | 'request' | 'owner'>;

interface StartableWorkflow {
  /** The provider of a run; a task has none of its own. */
  provider?: string;
  start(): Promise<void>;
}

export interface CreateRun {
  /** Checked against the API's document. */
  body: RunRequestBody;
  files: UploadedFile[];
  idempotencyKey?: string;
  owner?: string;
}

@Injectable()
export class RunCreation {
  private readonly logger = new Logger(RunCreation.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
    private readonly workflows: RunWorkflows,
    private readonly reading: TaskReading,
  ) {}

  /** Returns the run id: a new run's, or, for a repeated Idempotency-Key, the first request's. */
  async create({ body, files, idempotencyKey, owner }: CreateRun): Promise<string> {
    try {
      return await this.createFrom(toRunSubmission(body), await checkAttachments(files), idempotencyKey, owner);
    } finally {
      // Staged attachments were moved away; what is left are uploads of a refused request.
      await Promise.all(files.map((file) => rm(file.path, { force: true })));
    }
  }

  private async createFrom(submission: RunSubmission, attachments: Attachment[], idempotencyKey: string | undefined, owner?: string) {
    const { request, requireApproval } = submission;
    checkWorkflowUrl(request.workflow_url, attachments);
    const runId = runIdFor(idempotencyKey, owner);
    const base = { runId, request, ...(owner ? { owner } : {}) };
    const workflow = isTaskRequest(request)
      ? await this.task(base, requireApproval, attachments)
      : this.run({ ...base, ...(requireApproval ? { requireApproval } : {}) });

    // A retry of an accepted request: its run exists, and its attachments must not be staged again.
    if (idempotencyKey !== undefined) {
      const existing = await this.workflows.find(runId);
      // A closed run is in the read model for good, unless it was deleted: its id would name nothing.
      if (existing === 'closed' && !(await this.runStore.get(runId))) {
        throw new ConflictException(`the run of this Idempotency-Key, ${runId}, has been deleted; a new run needs another key`);
      }
      if (existing) return runId;
    }

    const workDir = runWorkDir(this.config.dataDir, runId);
    try {
      await stageAttachments(attachments, workDir);
      await workflow.start();
    } catch (err) {
      // A random run id is this request's alone; an idempotent one may be a concurrent retry's.
      if (idempotencyKey === undefined) await rm(workDir, { recursive: true, force: true });
      throw err;
    }
    await this.recordQueued(base, workflow.provider);
    return runId;
  }

  /** One workflow on a provider, chosen and checked here, so that its run can send its first activity to it at once. */
  private run(input: RunInput): StartableWorkflow {
    const provider = checkedProvider(this.registry, input);
    const engine = this.registry.get(provider).engine?.(input.request);
    return { provider, start: () => this.workflows.start({ ...input, provider, ...(engine ? { engine } : {}) }) };
  }

  /** A task (docs/tasks.md): its definition checked here; its steps choose their providers. */
  private async task(base: RunRef, requireApproval: boolean, attachments: Attachment[]): Promise<StartableWorkflow> {
    if (requireApproval)
      throw new BadRequestException('require_approval does not apply to a task: it waits for input where its wait_for_input steps say');
    const input = await taskInput(base, attachments, this.config.workflowRoots, this.reading, this.registry);
    return { start: () => this.workflows.startTask(input) };
  }

  /**
   * Version 0: the workflow's own projections carry higher versions, so this never overwrites
   * newer state. Best effort: the run is started whatever happens here, and the workflow
   * projects it itself; failing the request now would only make the client submit it twice.
   */
  private async recordQueued(input: RunRef, provider: string | undefined): Promise<void> {
    try {
      await this.runStore.project({
        runId: input.runId,
        version: 0,
        state: 'queued',
        wesState: 'QUEUED',
        canceling: false,
        request: input.request,
        provider,
        owner: input.owner,
        outputs: {},
        runLog: {},
        cleaned: false,
        submittedAt: new Date(),
        transitions: [],
      });
    } catch (err) {
      this.logger.warn(`run ${input.runId} started, but its QUEUED row was not written: ${(err as Error).message}`);
    }
  }
}

/**
 * A relative workflow_url must name one of the attachments (WES 1.1, RunWorkflow); a #fragment
 * names a process in that document (`wf.cwl#main`) and is the engine's to find.
 */
function checkWorkflowUrl(url: string, attachments: Attachment[]): void {
  const { document, problem } = splitWorkflowUrl(url);
  if (problem !== undefined) throw new BadRequestException(`workflow_url ${JSON.stringify(url)} ${problem}`);
  if (!isRelativeUrl(document)) return;
  const normal = normalRelativePath(document);
  if ('problem' in normal) throw new BadRequestException(`workflow_url ${JSON.stringify(url)} ${normal.problem}`);
  if (!attachments.some((attachment) => attachment.path === normal.path)) {
    throw new BadRequestException(`workflow_url ${JSON.stringify(url)} is relative, but no workflow_attachment has that filename`);
  }
}
