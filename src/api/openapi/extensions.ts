/**
 * What durable-wes adds to the official WES 1.1 document, as data. Everything here is marked
 * `x-durable-wes-extension: true`, so a reader (or a test) can tell the standard from our own.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/pagination';
import { PROVIDER_TAG, REQUIRE_APPROVAL_TAG } from '../../../activities/run-tags';

export const EXTENSION = { 'x-durable-wes-extension': true } as const;

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
});
const runIdParameter = { name: 'run_id', in: 'path', required: true, style: 'simple', schema: { type: 'string' } };
const runStatusResponse = { description: '', content: { 'application/json': { schema: { $ref: '#/components/schemas/RunStatus' } } } };
const runIdResponse = { description: '', content: { 'application/json': { schema: { $ref: '#/components/schemas/RunId' } } } };

/** Responses every operation may give beyond the official ones. */
export const COMMON_RESPONSES = {
  503: { ...error('Temporal or the database is unavailable; try again later.'), ...EXTENSION },
};

/** Query parameters GET /runs takes beyond page_size and page_token. */
export const LIST_RUNS_PARAMETERS = [
  {
    name: 'state',
    in: 'query',
    description: 'Only runs in one of these states, separated by commas; repeating the parameter is the same. An unknown state is a 400.',
    style: 'form',
    explode: false,
    // `state=` is no state at all rather than every state: a client that sends it means something else.
    schema: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/State' } },
    ...EXTENSION,
  },
  {
    name: 'tag',
    in: 'query',
    description: 'Only runs carrying this tag with this value, given as `key:value`; repeat it to require several tags (WES spec PR 213).',
    style: 'form',
    explode: true,
    // No NUL: no tag can hold one (PostgreSQL text cannot).
    schema: { type: 'array', items: { type: 'string', pattern: '^[^:\\u0000]+:[^\\u0000]*$' } },
    ...EXTENSION,
  },
];

export const PAGE_SIZE_LIMITS = { minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE };

export const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  description:
    'Makes the request safe to retry: a repeated request with the same key (from the same owner) answers with the run the first one created, and starts nothing.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[ -~]+$' },
  ...EXTENSION,
};

export const REQUIRE_APPROVAL_DESCRIPTION =
  `Hold the run in PAUSED after preparation until POST /runs/{run_id}/resume. The tag \`${REQUIRE_APPROVAL_TAG}: "true"\` does the same; the tag \`${PROVIDER_TAG}\` picks the provider.`;

const nonEmptyString = { type: 'string', minLength: 1 };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

/**
 * A run request as POST /runs takes it, in either form. Stricter than WES 1.1 says: an unknown
 * field is refused, as it is most likely a misspelt one, and running without it would run
 * something else than meant.
 */
const runRequest = (attachments: object) => ({
  type: 'object',
  required: ['workflow_type', 'workflow_type_version', 'workflow_url'],
  additionalProperties: false,
  properties: {
    workflow_params: { type: 'object' },
    workflow_type: nonEmptyString,
    workflow_type_version: nonEmptyString,
    workflow_url: nonEmptyString,
    tags: {
      ...stringMap,
      properties: { [REQUIRE_APPROVAL_TAG]: { type: 'string', enum: ['true', 'false'], description: REQUIRE_APPROVAL_DESCRIPTION } },
    },
    workflow_engine: { type: 'string' },
    workflow_engine_version: { type: 'string', description: 'Only with workflow_engine.' },
    workflow_engine_parameters: stringMap,
    require_approval: { type: 'boolean', description: REQUIRE_APPROVAL_DESCRIPTION, ...EXTENSION },
    ...attachments,
  },
  ...EXTENSION,
});

/**
 * The multipart form of WES 1.1, as what it carries really is: the object fields as JSON text
 * (OpenAPI 3.0: an object field of a form is encoded as JSON), an empty field as no field.
 */
export const MULTIPART_RUN_REQUEST = {
  schema: runRequest({ workflow_attachment: { type: 'array', items: { type: 'string', format: 'binary' } } }),
  encoding: Object.fromEntries(['workflow_params', 'tags', 'workflow_engine_parameters'].map((name) => [name, { contentType: 'application/json' }])),
  ...EXTENSION,
};

/** The JSON form of POST /runs: the same fields, objects as objects. */
export const JSON_RUN_REQUEST = { schema: runRequest({}), ...EXTENSION };

export const SCHEMA_PROPERTIES: Record<string, Record<string, object>> = {
  RunListResponse: {
    total_runs: { type: 'integer', format: 'int64', description: 'All runs matching the filters, not only this page (WES spec PR 183).', ...EXTENSION },
  },
  RunLog: {
    temporal_ui_url: { type: 'string', description: 'The run in the Temporal Web UI.', ...EXTENSION },
    transitions_url: { type: 'string', description: 'The run’s state transitions (GET /runs/{run_id}/transitions).', ...EXTENSION },
  },
};

export const SCHEMAS = {
  Transition: {
    type: 'object',
    required: ['seq', 'type', 'from', 'to', 'at'],
    properties: {
      seq: { type: 'integer', description: 'Position in the run’s log, from 1.' },
      type: { type: 'string', enum: ['init', 'step', 'wait', 'resume', 'finish', 'error', 'cancelled', 'init_branch', 'finish_branch'] },
      from: { type: 'string', description: 'Execution state before.' },
      to: { type: 'string', description: 'Execution state after.' },
      at: { type: 'string', format: 'date-time' },
      payload: { type: 'object', description: 'The error, the input given on resume, the outputs.' },
    },
    ...EXTENSION,
  },
  TransitionList: {
    type: 'object',
    required: ['transitions'],
    properties: { transitions: { type: 'array', items: { $ref: '#/components/schemas/Transition' } } },
    ...EXTENSION,
  },
};

export const PATHS = {
  '/runs/{run_id}': {
    delete: {
      tags: ['Workflow Runs'],
      summary: 'DeleteRun',
      description: 'Forgets a run that has ended and been cleaned up: its read-model row, transitions and work dir (outputs, logs). Any other run is a 409.',
      operationId: 'DeleteRun',
      parameters: [runIdParameter],
      responses: {
        200: runIdResponse,
        401: error('The request is unauthorized.'),
        404: error('The requested workflow run wasn’t found.'),
        409: error('The run has not ended, or is not cleaned up yet.'),
        500: error('An unexpected error occurred.'),
      },
      ...EXTENSION,
    },
  },
  '/runs/{run_id}/resume': {
    post: {
      tags: ['Workflow Runs'],
      summary: 'ResumeRun',
      description: 'Resumes a PAUSED run with an input (a JSON object) that completes or overrides its parameters. Answers once the run has left PAUSED.',
      operationId: 'ResumeRun',
      parameters: [runIdParameter],
      requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } },
      responses: {
        200: runStatusResponse,
        400: error('The input is not a JSON object.'),
        401: error('The request is unauthorized.'),
        404: error('The requested workflow run wasn’t found.'),
        409: error('The run is not waiting for input.'),
        500: error('An unexpected error occurred.'),
      },
      ...EXTENSION,
    },
  },
  '/runs/{run_id}/transitions': {
    get: {
      tags: ['Workflow Runs'],
      summary: 'ListTransitions',
      description: 'The run’s state transitions, oldest first.',
      operationId: 'ListTransitions',
      parameters: [runIdParameter],
      responses: {
        200: { description: '', content: { 'application/json': { schema: { $ref: '#/components/schemas/TransitionList' } } } },
        401: error('The request is unauthorized.'),
        404: error('The requested workflow run wasn’t found.'),
        500: error('An unexpected error occurred.'),
      },
      ...EXTENSION,
    },
  },
  '/runs/{run_id}/logs/{stream}': {
    get: {
      tags: ['Workflow Runs'],
      summary: 'GetRunLog',
      description:
        'The run’s stdout or stderr as plain text, readable while the run is going (local runs), or a redirect to where the provider keeps it. RunLog.stdout and RunLog.stderr point here.',
      operationId: 'GetRunLogStream',
      parameters: [runIdParameter, { name: 'stream', in: 'path', required: true, schema: { type: 'string', enum: ['stdout', 'stderr'] } }],
      responses: {
        200: { description: '', content: { 'text/plain': { schema: { type: 'string' } } } },
        302: { description: 'The log is kept by the provider, at the Location given.' },
        401: error('The request is unauthorized.'),
        404: error('No such run, or no such log (yet).'),
        500: error('An unexpected error occurred.'),
      },
      ...EXTENSION,
    },
  },
};

/** Responses official operations may give beyond those the spec lists. */
export const OPERATION_RESPONSES: Record<string, Record<string, Record<number, object>>> = {
  '/runs/{run_id}/cancel': { post: { 409: { ...error('The run has already ended (other than cancelled).'), ...EXTENSION } } },
  '/runs/{run_id}/tasks': { get: { 400: { ...error('The request is malformed: page_size, or a page_token this service did not issue.'), ...EXTENSION } } },
};

/** Not an operation's: any path answers a method it does not have so. */
export const METHOD_NOT_ALLOWED_RESPONSE = {
  ...error('The path does not take this method; the Allow header lists those it takes.'),
  headers: { Allow: { description: 'The methods the path takes, e.g. `GET, POST`.', schema: { type: 'string' } } },
  ...EXTENSION,
};

export const BEARER_AUTH = {
  securitySchemes: {
    bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token the operator of this service issued to you; it stands for you as the owner of your runs.' },
  },
  security: [{ bearerAuth: [] }],
};
