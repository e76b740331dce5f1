/**
 * A task definition that cannot be run, naming the key at fault. The API answers it with a 400
 * (docs/tasks.md, "Validation").
 */
import { formatKey, type KeyPath } from '../../domain/key-path';

export class TaskDefinitionError extends Error {
  /** The offending key, e.g. `steps[1].run.workflow_params.n`; `` for the document as a whole. */
  readonly key: string;

  constructor(
    /** The document's name: an attachment's path or the workflow_url. */
    readonly source: string,
    readonly at: KeyPath,
    readonly problem: string,
  ) {
    const key = formatKey(at);
    super(`${source}: ${key ? `${key}: ` : ''}${problem}`);
    this.name = 'TaskDefinitionError';
    this.key = key;
  }
}
