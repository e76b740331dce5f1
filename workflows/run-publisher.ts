/**
 * Makes a run's changes visible: search attributes and current details for Temporal's UI, the row
 * and transitions of the read model for the API. All are coalesced: however many transitions one
 * workflow activation makes, they go out as one upsert and one projection, in order, never rolling
 * back; the current details (docs/design.md, "A run's story in the Temporal UI") are no command.
 */
import { CancellationScope, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RunProjection } from '../domain/run-rows';
import { projectRun } from './activity-stubs';
import type { RunLedger } from './run-ledger';
import type { ProjectionCursor, PublishedRun } from '../domain/run-types';
import { RUN_STATE_KEYS, searchAttributesOf } from '../domain/search-attributes';
import { isCurrentRunType } from './versioning';

export interface PublishOptions {
  project?: boolean;
  attributes?: boolean;
}

/** The workflow's search attributes as it was started with them, in the order searchAttributesOf gives. */
function startAttributes() {
  const { typedSearchAttributes } = workflowInfo();
  return RUN_STATE_KEYS.flatMap((key) => {
    const value = typedSearchAttributes.get(key);
    return value === undefined ? [] : [{ key, value }];
  });
}

export class RunPublisher {
  /** The projection number last handed out; projections with older numbers change nothing. */
  private version: number;
  /** What the read model is known to hold. */
  private confirmed: { seq: number; requestSent: boolean };
  private projections: Promise<void> = Promise.resolve();
  private projectionQueued = false;
  private attributesQueued = false;
  private published?: string;
  /** A task's provider for Temporal's UI, as it has none of its own (showProvider). */
  private shownProvider?: string;
  /** The owner's current details of the run (describeWith). */
  private describe?: () => string;

  constructor(
    private readonly run: RunLedger,
    private readonly input: PublishedRun,
    cursor: ProjectionCursor = { version: 0, seq: 0, requestSent: false },
  ) {
    this.version = cursor.version;
    this.confirmed = { seq: cursor.seq, requestSent: cursor.requestSent };
    // A run of the current type knows what it was started with (the API starts it QUEUED, its
    // attributes set) and upserts only what differs; older types replay as they upserted.
    if (isCurrentRunType()) this.published = JSON.stringify(startAttributes());
  }

  /**
   * Publishes the run as it stands at the end of this activation; without `project`, not to the
   * read model; without `attributes`, not to Temporal's search attributes.
   */
  publish({ project = true, attributes = true }: PublishOptions = {}): void {
    if (attributes && !this.attributesQueued) {
      this.attributesQueued = true;
      void Promise.resolve().then(() => this.upsertAttributes());
    }
    if (!project || this.projectionQueued) return;
    this.projectionQueued = true;
    this.projections = this.projections.then(() => this.project());
  }

  /**
   * A projection of the run as it stands, numbered but not sent, for an activity to write if it
   * takes long: the next projection supersedes it, whether it was written or not.
   */
  reserve(): RunProjection {
    return this.run.projection(this.input, workflowInfo().startTime, ++this.version, this.confirmed.seq);
  }

  /**
   * The `WesProvider` search attribute of a run without a provider of its own, a task: the
   * provider of the child run it started last (README.md, "Temporal UI"). Not in the read model.
   */
  showProvider(provider: string): void {
    this.shownProvider = provider;
    this.publish({ project: false });
  }

  /** Sets the run's current details now, and again at the end of every activation that publishes. */
  describeWith(describe: () => string): void {
    this.describe = describe;
    this.showDetails();
  }

  /** The current details as they stand: no command, so at once rather than at the end of the activation. */
  showDetails(): void {
    if (this.describe) setCurrentDetails(this.describe());
  }

  /** Resolves once every projection asked for so far is in the read model. */
  async settled(): Promise<void> {
    await this.projections;
  }

  /** Where a continued execution takes over: numbers already handed out are never reused. */
  cursor(): ProjectionCursor {
    return { version: this.version, ...this.confirmed };
  }

  private upsertAttributes(): void {
    this.attributesQueued = false;
    this.showDetails();
    const { run, input } = this;
    const provider = run.provider ?? this.shownProvider;
    const attributes = searchAttributesOf({
      wesState: run.wesState,
      workflowType: input.request.workflow_type,
      provider,
      owner: input.owner,
    });
    const key = JSON.stringify(attributes);
    if (key === this.published) return;
    this.published = key;
    upsertSearchAttributes(attributes);
  }

  private async project(): Promise<void> {
    this.projectionQueued = false;
    const seq = this.run.lastSeq;
    const { request, ...projection } = this.reserve();
    await CancellationScope.nonCancellable(() => projectRun(this.confirmed.requestSent ? projection : { ...projection, request }));
    this.confirmed = { seq, requestSent: true };
  }
}
