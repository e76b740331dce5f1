/**
 * POST /runs of a task (workflow_type DWES-TASK, docs/tasks.md): its definition read from the
 * request's attachment or from a file under the workflow roots, parsed and checked, and the run's
 * workflow_params bound to its parameters, its run steps checked against the providers. Every
 * mistake is a 400 that names the key.
 */
import { BadRequestException } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { insideRoots } from '../../../activities/paths';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { eachStep } from '../../task-definitions/each-step';
import { TaskDefinitionError } from '../../task-definitions/task-definition-error';
import { expressionOf } from '../../../workflows/task/expressions';
import { TASK_FORMAT_VERSION, TASK_WORKFLOW_TYPE, type TaskDefinition } from '../../../domain/task-definition';
import type { TaskInput } from '../../../workflows/task-run/task-types';
import type { WesRunRequest } from '../../../domain/run-types';
import { isRelativeUrl, splitWorkflowUrl } from '../../../domain/workflow-url';
import { normalRelativePath, type Attachment } from './attachments';
import type { TaskReading } from './task-reading.service';
import { refuseInexactNumbers } from './task-numbers';
import { checkStepProviders } from './task-step-providers';

export function isTaskRequest(request: WesRunRequest): boolean {
  return request.workflow_type.toUpperCase() === TASK_WORKFLOW_TYPE;
}

export async function taskInput(
  base: { runId: string; request: WesRunRequest; owner?: string },
  attachments: Attachment[],
  workflowRoots: readonly string[],
  reading: TaskReading,
  registry: DescriptorRegistry,
): Promise<TaskInput> {
  const { request } = base;
  if (request.workflow_type_version !== TASK_FORMAT_VERSION) {
    throw new BadRequestException(
      `workflow_type_version of a ${TASK_WORKFLOW_TYPE} must be ${TASK_FORMAT_VERSION}, not ${JSON.stringify(request.workflow_type_version)}`,
    );
  }
  refuseInexactNumbers(request.workflow_params ?? {}, 'workflow_params');
  const text = await readFile(await definitionFile(request.workflow_url, attachments, workflowRoots), 'utf8');
  const { definition, params } = await reading.readTask(text, request.workflow_url, request.workflow_params ?? {});
  checkStepWorkflows(definition, attachments, request.workflow_url);
  checkStepProviders(definition, registry, request.workflow_url);
  return { ...base, definition, params };
}

/** An attachment (a relative workflow_url), or a file under the workflow roots (a path or file:// URL). */
async function definitionFile(url: string, attachments: Attachment[], workflowRoots: readonly string[]): Promise<string> {
  if (isRelativeUrl(url)) {
    const normal = normalRelativePath(url);
    const attachment = 'path' in normal ? attachments.find((candidate) => candidate.path === normal.path) : undefined;
    // Checked before (a relative workflow_url names an attachment): this only keeps the promise.
    if (!attachment) throw new BadRequestException(`workflow_url '${url}' names no workflow_attachment`);
    return attachment.file;
  }
  const file = url.startsWith('/') ? url : /^file:/i.test(url) ? fileURLToPath(url) : undefined;
  if (file === undefined)
    throw new BadRequestException(
      `workflow_url ${url}: a ${TASK_WORKFLOW_TYPE} definition is an attachment or a file under the workflow roots`,
    );
  const real = await insideRoots(file, workflowRoots);
  if (real === undefined) throw new BadRequestException(`workflow_url ${url} is not a file under the workflow roots`);
  return real;
}

/** A step's relative workflow_url must name one of the task's attachments, which its run gets. */
function checkStepWorkflows(definition: TaskDefinition, attachments: Attachment[], source: string): void {
  for (const { step, at } of eachStep(definition.steps)) {
    const url = 'run' in step ? step.run.workflow_url : undefined;
    if (url === undefined || expressionOf(url) !== undefined || !isRelativeUrl(url)) continue;
    const normal = normalRelativePath(splitWorkflowUrl(url).document);
    if (!('path' in normal) || !attachments.some((attachment) => attachment.path === normal.path)) {
      throw new TaskDefinitionError(
        source,
        [...at, 'run', 'workflow_url'],
        `${JSON.stringify(url)} is relative, but no workflow_attachment of the task has that path`,
      );
    }
  }
}
