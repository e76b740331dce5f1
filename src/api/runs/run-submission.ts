/**
 * A WES `RunRequest` as submitted, once it has passed the schema of POST /runs in the API's
 * document (fields, their types, `require_approval`, the approval tag's values): what is left is
 * what that schema cannot say.
 */
import { BadRequestException } from '@nestjs/common';
import { loaderDirective, loaderDirectiveRefusal } from '../../../activities/fetch/loader-directives';
import { REQUIRE_APPROVAL_TAG } from '../../../activities/run-tags';
import type { WesRunRequest } from '../../../domain/run-types';

/** The body of POST /runs, in either form, as the schema lets it through. */
export interface RunRequestBody extends WesRunRequest {
  require_approval?: boolean;
}

export interface RunSubmission {
  request: WesRunRequest;
  /** Hold the run for approval (PAUSED) before it is submitted. */
  requireApproval: boolean;
}

export function toRunSubmission({ require_approval, ...request }: RunRequestBody): RunSubmission {
  // OpenAPI 3.0 schemas have no `dependencies` to say this.
  if (request.workflow_engine_version !== undefined && request.workflow_engine === undefined) {
    throw new BadRequestException('workflow_engine is required when workflow_engine_version is given');
  }
  refuseLoaderDirectives(request.workflow_params);
  return { request, requireApproval: require_approval === true || request.tags?.[REQUIRE_APPROVAL_TAG] === 'true' };
}

/** workflow_params, at submission or added at resume, may not make the engine read host files (loader-directives.ts). */
export function refuseLoaderDirectives(params: unknown): void {
  const directive = loaderDirective(params);
  if (directive !== undefined) throw new BadRequestException(loaderDirectiveRefusal(directive));
}
