/**
 * The workflow code bundle. Bundling takes seconds, so it is done once (at build or at test
 * set-up) and reused: WORKFLOW_BUNDLE_PATH names a prebuilt bundle; without it we bundle now.
 */
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { PAYLOAD_CONVERTER_PATH } from '../payloads/data-converter';

/** The worker's workflows by default; the replay test also bundles the legacy ones it keeps. */
export async function bundleWorkflows(workflowsPath = require.resolve('../../workflows')): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger: quietLogger });
}

export async function loadWorkflowBundle(bundlePath: string | undefined): Promise<WorkflowBundleOption> {
  if (bundlePath && existsSync(bundlePath)) return { codePath: bundlePath };
  return bundleWorkflows();
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
