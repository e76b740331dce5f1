/** What the local provider runs of a request, checked without its engines: the API validates with it too. */
import { InvalidRunRequestError } from '../../errors';
import { checkFetchable } from '../../fetch/request-check';
import type { WesRunRequest } from '../../../domain/run-types';
import { splitWorkflowUrl } from '../../../domain/workflow-url';
import { engineForType, engineParameters, LOCAL_ENGINES } from './engines';
import { engineReleases, type EngineParameters, type LocalEngine } from './engines/engine';
import type { LocalSettings } from './settings';

/** Throws InvalidRunRequestError when no engine of this provider could run the request. */
export function validateLocalRequest(request: WesRunRequest, settings: LocalSettings): void {
  localEngineFor(request);
  checkFetchable(request, settings.fetch);
}

/** The engine and the version of it (one of its releases) that run the request, with its parameters; throws when none can. */
export function localEngineFor(request: WesRunRequest): { engine: LocalEngine; version: string; parameters: EngineParameters } {
  const engine = typeof request.workflow_type === 'string' ? engineForType(request.workflow_type) : undefined;
  if (!engine) {
    const types = LOCAL_ENGINES.flatMap((e) => Object.keys(e.workflowTypes));
    throw new InvalidRunRequestError(
      `local: workflow_type must be one of ${types.join(', ')}, not ${JSON.stringify(request.workflow_type)}`,
    );
  }
  const versions = engine.workflowTypes[request.workflow_type.toUpperCase()];
  const version = request.workflow_type_version;
  if (!versions.some((v) => v.replace(/^v/i, '') === version.replace(/^v/i, ''))) {
    throw new InvalidRunRequestError(
      `local: ${request.workflow_type} workflow_type_version must be one of ${versions.join(', ')}, not ${JSON.stringify(request.workflow_type_version)}`,
    );
  }
  if (typeof request.workflow_url !== 'string' || request.workflow_url.trim() === '') {
    throw new InvalidRunRequestError('local: workflow_url is required');
  }
  const { fragment, problem } = splitWorkflowUrl(request.workflow_url.trim());
  if (problem !== undefined) throw new InvalidRunRequestError(`local: workflow_url ${problem}`);
  if (fragment !== undefined && !engine.takesFragment) {
    throw new InvalidRunRequestError(`local: ${engine.name} runs a whole workflow file: workflow_url takes no #fragment`);
  }
  const params = request.workflow_params;
  if (params !== undefined && (typeof params !== 'object' || Array.isArray(params))) {
    throw new InvalidRunRequestError('local: workflow_params must be an object');
  }
  if (request.workflow_engine !== undefined && request.workflow_engine.toLowerCase() !== engine.name) {
    throw new InvalidRunRequestError(`local: ${request.workflow_type} runs on ${engine.name}, not ${request.workflow_engine}`);
  }
  const release = request.workflow_engine_version ?? engine.releases.default;
  if (typeof release !== 'string' || !Object.hasOwn(engine.releases.pip, release)) {
    throw new InvalidRunRequestError(
      `local: ${engine.name} ${JSON.stringify(release)} is not available (available: ${engineReleases(engine).join(', ')})`,
    );
  }
  return { engine, version: release, parameters: engineParameters(engine, request.workflow_engine_parameters) };
}
