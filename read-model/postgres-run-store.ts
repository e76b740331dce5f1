/**
 * The read model in PostgreSQL (docs/design.md, "The read model"). Plain parameterized SQL: the upsert's version
 * guard and the keyset comparison are what matter here, and they read best as SQL.
 */
import type { DataSource } from 'typeorm';
import { stringifyExactJson } from '../domain/exact-json';
import type { Transition } from '../domain/run-types';
import { EXECUTION_STATES, isTerminal } from '../domain/state-machine';
import type { WesState } from '../domain/wes-state';
import { RunSchema, type RunEntity, type TableRow, type TaskEntity, type TransitionEntity } from './entities';
import { InvalidPageTokenError, type RunListQuery, type RunPage, type RunStore, type TaskListQuery, type TaskPage } from './run-store';
import {
  type RecordedTransition,
  type RunProjection,
  type RunRow,
  type RunStatusRow,
  type RunSummaryRow,
  type TaskRow,
} from '../domain/run-rows';

const RUN_COLUMNS = `
  run_id AS "runId", version, state, wes_state AS "wesState", canceling, request, provider, owner,
  external_id AS "externalId", failure_reason AS "failureReason", error_message AS "errorMessage",
  outputs, run_log AS "runLog", cleaned, submitted_at AS "submittedAt", start_time AS "startTime",
  end_time AS "endTime", updated_at AS "updatedAt"`;

/** A listing's columns only: the request, outputs and log of a hundred runs would be read, parsed and dropped. */
const SUMMARY_COLUMNS = `
  run_id AS "runId", wes_state AS "wesState", submitted_at AS "submittedAt", start_time AS "startTime", end_time AS "endTime",
  COALESCE(request->'tags', '{}'::jsonb) AS tags`;

const TRANSITION_COLUMNS = `
  run_id AS "runId", seq, type, from_state AS "fromState", to_state AS "toState", at, payload`;

/** The execution states a run ends in, as SQL: the state machine's terminal states. */
const ENDED = `(${EXECUTION_STATES.filter(isTerminal)
  .map((state) => `'${state}'`)
  .join(', ')})`;

/**
 * A run's cancel, once Temporal has it, shows as CANCELING (RunStore.markCanceling) until the run
 * ends: a projection made before the workflow heard of the cancel leaves the mark as it is.
 */
const KEEP_CANCELING = `runs.canceling AND NOT EXCLUDED.canceling AND EXCLUDED.state NOT IN ${ENDED}`;

/**
 * An older or repeated version changes nothing. A projection without the request or start time
 * keeps the row's (the JSON null only satisfies NOT NULL for an insert that conflicts: a run's
 * first projection always carries its request). The first writer's submitted_at stays: it is when
 * the API accepted the run. It is kept to whole milliseconds, as a JS Date has it, so that a page
 * token (made from the Date read back) holds the exact value and the keyset neither skips nor
 * repeats a run.
 */
const UPSERT_RUN = `
  INSERT INTO runs (run_id, version, state, wes_state, canceling, request, provider, owner, external_id,
    failure_reason, error_message, outputs, run_log, cleaned, submitted_at, start_time, end_time, updated_at)
  VALUES ($1, $2, $3, $4, $5, COALESCE($6::jsonb, 'null'::jsonb), $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14,
    date_trunc('milliseconds', $15::timestamptz), $16, $17, now())
  ON CONFLICT (run_id) DO UPDATE SET
    version = EXCLUDED.version, state = EXCLUDED.state,
    wes_state = CASE WHEN ${KEEP_CANCELING} THEN 'CANCELING' ELSE EXCLUDED.wes_state END,
    canceling = EXCLUDED.canceling OR (${KEEP_CANCELING}), request = COALESCE($6::jsonb, runs.request), provider = EXCLUDED.provider,
    owner = EXCLUDED.owner, external_id = EXCLUDED.external_id, failure_reason = EXCLUDED.failure_reason,
    error_message = EXCLUDED.error_message, outputs = EXCLUDED.outputs, run_log = EXCLUDED.run_log,
    cleaned = EXCLUDED.cleaned, start_time = COALESCE(EXCLUDED.start_time, runs.start_time), end_time = EXCLUDED.end_time,
    updated_at = EXCLUDED.updated_at
  WHERE runs.version < EXCLUDED.version`;

/**
 * The row and its new transitions in one statement: atomic as a transaction is, in one round trip
 * instead of four (a projection is on the way of every change a client waits to see). A
 * data-modifying WITH runs whether or not it is read, and the transitions' foreign key is checked
 * at the end of the statement, when a first projection's row is there.
 */
const PROJECT = `
  WITH run AS (${UPSERT_RUN})
  INSERT INTO transitions (run_id, seq, type, from_state, to_state, at, payload)
  SELECT $1, t.seq, t.type, t."from", t."to", t.at, t.payload
  FROM jsonb_to_recordset($18::jsonb) AS t(seq integer, type text, "from" text, "to" text, at timestamptz, payload jsonb)
  ON CONFLICT (run_id, seq) DO NOTHING
  RETURNING seq, from_state AS "from", to_state AS "to"`;

const TASK_COLUMNS = `
  run_id AS "runId", task_id AS "taskId", seq, version, name, state, start_time AS "startTime", end_time AS "endTime",
  exit_code AS "exitCode", cmd, stdout, stderr, system_logs AS "systemLogs", outputs, child_run_id AS "childRunId",
  parent_task_id AS "parentTaskId", updated_at AS "updatedAt"`;

/**
 * The tasks come as one JSON array, so that one statement takes any number of them and every text
 * in them is made NUL-safe by jsonb(). An older or repeated version changes nothing; the first
 * report's seq stays, so that a task never moves in the listing.
 */
const UPSERT_TASKS = `
  INSERT INTO tasks (run_id, task_id, seq, version, name, state, start_time, end_time, exit_code, cmd, stdout, stderr,
    system_logs, outputs, child_run_id, parent_task_id, updated_at)
  SELECT $1, t."taskId", t.seq, t.version, t.name, t.state, t."startTime", t."endTime", t."exitCode", t.cmd, t.stdout,
    t.stderr, t."systemLogs", t.outputs, t."childRunId", t."parentTaskId", now()
  FROM jsonb_to_recordset($2::jsonb) AS t("taskId" text, seq integer, version integer, name text, state text,
    "startTime" timestamptz, "endTime" timestamptz, "exitCode" integer, cmd jsonb, stdout text, stderr text,
    "systemLogs" jsonb, outputs jsonb, "childRunId" text, "parentTaskId" text)
  ON CONFLICT (run_id, task_id) DO UPDATE SET
    version = EXCLUDED.version, name = EXCLUDED.name, state = EXCLUDED.state, start_time = EXCLUDED.start_time,
    end_time = EXCLUDED.end_time, exit_code = EXCLUDED.exit_code, cmd = EXCLUDED.cmd, stdout = EXCLUDED.stdout,
    stderr = EXCLUDED.stderr, system_logs = EXCLUDED.system_logs, outputs = EXCLUDED.outputs,
    child_run_id = EXCLUDED.child_run_id, parent_task_id = EXCLUDED.parent_task_id, updated_at = EXCLUDED.updated_at
  WHERE tasks.version < EXCLUDED.version`;

/**
 * JSON for a jsonb parameter. PostgreSQL cannot store a NUL in text or JSON, and WES lets a run's
 * parameters (and a resume input) hold any string: the read model shows U+FFFD in its place, while
 * the run itself has the input as given.
 */
function jsonb(value: unknown): string {
  // A `\u0000` escape that is not itself an escaped backslash followed by `u0000`.
  return stringifyExactJson(value).replace(/(?<=(?:^|[^\\])(?:\\\\)*)\\u0000/g, '\\ufffd');
}

export class PostgresRunStore implements RunStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Dates may come as ISO strings: a projection reaches its activity as JSON. */
  async project(p: RunProjection): Promise<RecordedTransition[]> {
    return this.dataSource.query<RecordedTransition[]>(PROJECT, [
      p.runId,
      p.version,
      p.state,
      p.wesState,
      p.canceling,
      p.request === undefined ? null : jsonb(p.request),
      p.provider ?? null,
      p.owner ?? null,
      p.externalId ?? null,
      p.failureReason ?? null,
      p.errorMessage ?? null,
      jsonb(p.outputs),
      jsonb(p.runLog),
      p.cleaned,
      p.submittedAt,
      p.startTime ?? null,
      p.endTime ?? null,
      jsonb(p.transitions),
    ]);
  }

  async get(runId: string): Promise<RunRow | undefined> {
    const rows = await this.dataSource.query<RunEntity[]>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, [runId]);
    return rows.length > 0 ? toRunRow(rows[0]) : undefined;
  }

  async transitions(runId: string, afterSeq = 0): Promise<Transition[]> {
    const rows = await this.dataSource.query<TransitionEntity[]>(
      `SELECT ${TRANSITION_COLUMNS} FROM transitions WHERE run_id = $1 AND seq > $2 ORDER BY seq`,
      [runId, afterSeq],
    );
    return rows.map(toTransition);
  }

  async status(runId: string): Promise<RunStatusRow | undefined> {
    const rows = await this.dataSource.query<Array<TableRow<RunStatusRow>>>(
      `SELECT run_id AS "runId", wes_state AS "wesState", owner FROM runs WHERE run_id = $1`,
      [runId],
    );
    return rows.length > 0 ? (withoutNulls(rows[0]) as RunStatusRow) : undefined;
  }

  async list(query: RunListQuery): Promise<RunPage> {
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    const filters: string[] = [];
    if (query.states?.length) filters.push(`wes_state = ANY(${param(query.states)}::text[])`);
    if (query.tags && Object.keys(query.tags).length > 0) filters.push(`request->'tags' @> ${param(JSON.stringify(query.tags))}::jsonb`);
    if (query.owner !== undefined) filters.push(`owner = ${param(query.owner)}`);
    const total = this.totalRuns(query, [...filters], [...params]);

    if (query.pageToken) {
      const after = decodePageToken(query.pageToken);
      filters.push(`(submitted_at, run_id) < (${param(after.submittedAt)}::timestamptz, ${param(after.runId)})`);
    }
    const where = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
    // One more than a page, to know whether there is a next one.
    const limit = param(query.pageSize + 1);

    const [rows, totalRuns] = await Promise.all([
      this.dataSource.query<Array<TableRow<RunSummaryRow>>>(
        `SELECT ${SUMMARY_COLUMNS} FROM runs ${where} ORDER BY submitted_at DESC, run_id DESC LIMIT ${limit}`,
        params,
      ),
      total,
    ]);
    const runs = rows.slice(0, query.pageSize).map((row) => withoutNulls(row) as RunSummaryRow);
    const last = runs.at(-1);
    return {
      runs,
      nextPageToken: rows.length > query.pageSize && last ? encodePageToken(last) : '',
      totalRuns,
    };
  }

  /**
   * The runs matching a listing's filters: from the counts per owner and WES state that triggers keep in run_counts
   * (docs/design.md, "The read model"), which has the columns the state and owner filters name, not a count of every
   * row on every page. Tags are not counted ahead: a filter by tags counts its runs through the tags index.
   */
  private async totalRuns(query: RunListQuery, filters: string[], params: unknown[]): Promise<number> {
    const where = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
    const sql =
      query.tags && Object.keys(query.tags).length > 0
        ? `SELECT count(*)::integer AS total FROM runs ${where}`
        : `SELECT COALESCE(sum(runs), 0)::integer AS total FROM run_counts ${where}`;
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(sql, params);
    return total;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async countByWesState(): Promise<Partial<Record<WesState, number>>> {
    const rows = await this.dataSource.query<Array<{ wesState: WesState; count: number }>>(
      `SELECT wes_state AS "wesState", sum(runs)::integer AS count FROM run_counts GROUP BY wes_state HAVING sum(runs) > 0`,
    );
    return Object.fromEntries(rows.map(({ wesState, count }) => [wesState, count]));
  }

  async markCanceling(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE runs SET canceling = true, wes_state = 'CANCELING', updated_at = now() WHERE run_id = $1 AND state NOT IN ${ENDED}`,
      [runId],
    );
  }

  async delete(runId: string): Promise<boolean> {
    const { affected } = await this.dataSource.getRepository(RunSchema).delete({ runId });
    return (affected ?? 0) > 0;
  }

  async projectTasks(runId: string, tasks: TaskRow[]): Promise<void> {
    // One statement cannot update a row twice: of a task reported twice, the newest report.
    const newest = new Map<string, TaskRow>();
    for (const task of tasks) if ((newest.get(task.taskId)?.version ?? -1) < task.version) newest.set(task.taskId, task);
    if (newest.size > 0) await this.dataSource.query(UPSERT_TASKS, [runId, jsonb([...newest.values()])]);
  }

  async listTasks(runId: string, query: TaskListQuery): Promise<TaskPage> {
    const params: unknown[] = [runId];
    let after = '';
    if (query.pageToken) {
      const [seq, taskId] = decodeKeyset(
        query.pageToken,
        (values): values is [number, string] => Number.isInteger(values[0]) && typeof values[1] === 'string',
      );
      params.push(seq, taskId);
      after = 'AND (seq, task_id) > ($2, $3)';
    }
    params.push(query.pageSize + 1);
    const rows = await this.dataSource.query<TaskEntity[]>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE run_id = $1 ${after} ORDER BY seq, task_id LIMIT $${params.length}`,
      params,
    );
    const tasks = rows.slice(0, query.pageSize).map(toTaskRow);
    const last = tasks.at(-1);
    return { tasks, nextPageToken: rows.length > query.pageSize && last ? encodeKeyset([last.seq, last.taskId]) : '' };
  }

  async getTask(runId: string, taskId: string): Promise<TaskRow | undefined> {
    const rows = await this.dataSource.query<TaskEntity[]>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE run_id = $1 AND task_id = $2`, [
      runId,
      taskId,
    ]);
    return rows.length > 0 ? toTaskRow(rows[0]) : undefined;
  }
}

/** The position of the last item of a page, as a page token: the listing resumes after it. */
function encodeKeyset(position: [unknown, string]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a page token holds, if it is one we issued: a pair that `valid` accepts. */
function decodeKeyset<T extends [unknown, string]>(token: string, valid: (values: unknown[]) => values is T): T {
  const invalid = new InvalidPageTokenError(`invalid page token: ${token}`);
  const bytes = Buffer.from(token, 'base64url');
  // Buffer.from skips characters that are not base64url; a token we issued has none.
  if (bytes.toString('base64url') !== token) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || !valid(decoded)) throw invalid;
  return decoded;
}

function encodePageToken(run: Pick<RunRow, 'submittedAt' | 'runId'>): string {
  return encodeKeyset([run.submittedAt.toISOString(), run.runId]);
}

function decodePageToken(token: string): { submittedAt: string; runId: string } {
  const isoTime = (value: unknown): value is string =>
    typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
  const [submittedAt, runId] = decodeKeyset(
    token,
    (values): values is [string, string] => isoTime(values[0]) && typeof values[1] === 'string',
  );
  return { submittedAt, runId };
}

/** An entity has nullable columns for optional fields: the row without the nulls. */
function withoutNulls(entity: object): unknown {
  return Object.fromEntries(Object.entries(entity).filter(([, value]) => value !== null));
}

function toRunRow({ updatedAt: _updatedAt, ...run }: RunEntity): RunRow {
  return withoutNulls(run) as RunRow;
}

function toTaskRow({ updatedAt: _updatedAt, runId: _runId, ...task }: TaskEntity): TaskRow {
  return withoutNulls(task) as TaskRow;
}

function toTransition(transition: TransitionEntity): Transition {
  return {
    seq: transition.seq,
    type: transition.type,
    from: transition.fromState,
    to: transition.toState,
    at: transition.at.toISOString(),
    ...(transition.payload === null ? {} : { payload: transition.payload }),
  };
}
