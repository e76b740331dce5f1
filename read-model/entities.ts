/**
 * The read model's tables as TypeORM sees them. The schema itself comes from the migrations;
 * these must describe it exactly (a test checks that TypeORM finds nothing to change). Names of
 * keys and indexes are given so that both agree on them.
 */
import { EntitySchema } from 'typeorm';
import type { ExecutionState, TransitionType } from '../domain/state-machine';
import type { RunRow, TaskRow } from '../domain/run-rows';

/** A row type as a table row: what is optional there is a nullable column here. */
export type TableRow<Row> = {
  [K in keyof Row]-?: undefined extends Row[K] ? Exclude<Row[K], undefined> | null : Row[K];
};

export type RunEntity = TableRow<RunRow> & { updatedAt: Date };

export type TaskEntity = TableRow<TaskRow> & { runId: string; updatedAt: Date };

export interface TransitionEntity {
  runId: string;
  seq: number;
  type: TransitionType;
  fromState: ExecutionState;
  toState: ExecutionState;
  at: Date;
  payload: Record<string, unknown> | null;
}

export const RunSchema = new EntitySchema<RunEntity>({
  name: 'Run',
  tableName: 'runs',
  columns: {
    runId: { name: 'run_id', type: 'text', primary: true, primaryKeyConstraintName: 'runs_pkey' },
    version: { type: 'integer' },
    state: { type: 'text' },
    wesState: { name: 'wes_state', type: 'text' },
    canceling: { type: 'boolean' },
    request: { type: 'jsonb' },
    provider: { type: 'text', nullable: true },
    owner: { type: 'text', nullable: true },
    externalId: { name: 'external_id', type: 'text', nullable: true },
    failureReason: { name: 'failure_reason', type: 'text', nullable: true },
    errorMessage: { name: 'error_message', type: 'text', nullable: true },
    outputs: { type: 'jsonb' },
    runLog: { name: 'run_log', type: 'jsonb' },
    cleaned: { type: 'boolean' },
    submittedAt: { name: 'submitted_at', type: 'timestamptz' },
    startTime: { name: 'start_time', type: 'timestamptz', nullable: true },
    endTime: { name: 'end_time', type: 'timestamptz', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [
    // The listing's order and keyset. TypeORM cannot express the DESC, nor the expression
    // index on tags, so it is told to leave both alone.
    { name: 'runs_listing_idx', columns: ['submittedAt', 'runId'], synchronize: false },
    { name: 'runs_wes_state_listing_idx', columns: ['wesState', 'submittedAt', 'runId'], synchronize: false },
    { name: 'runs_owner_listing_idx', columns: ['owner', 'submittedAt', 'runId'], synchronize: false },
    { name: 'runs_tags_idx', synchronize: false },
  ],
});

export const TransitionSchema = new EntitySchema<TransitionEntity>({
  name: 'Transition',
  tableName: 'transitions',
  columns: {
    runId: { name: 'run_id', type: 'text', primary: true, primaryKeyConstraintName: 'transitions_pkey' },
    seq: { type: 'integer', primary: true, primaryKeyConstraintName: 'transitions_pkey' },
    type: { type: 'text' },
    fromState: { name: 'from_state', type: 'text' },
    toState: { name: 'to_state', type: 'text' },
    at: { type: 'timestamptz' },
    payload: { type: 'jsonb', nullable: true },
  },
  foreignKeys: [
    {
      name: 'transitions_run_id_fkey',
      target: RunSchema,
      columnNames: ['runId'],
      referencedColumnNames: ['runId'],
      onDelete: 'CASCADE',
    },
  ],
});

export const TaskSchema = new EntitySchema<TaskEntity>({
  name: 'Task',
  tableName: 'tasks',
  columns: {
    runId: { name: 'run_id', type: 'text', primary: true, primaryKeyConstraintName: 'tasks_pkey' },
    taskId: { name: 'task_id', type: 'text', primary: true, primaryKeyConstraintName: 'tasks_pkey' },
    seq: { type: 'integer' },
    version: { type: 'integer' },
    name: { type: 'text' },
    state: { type: 'text' },
    startTime: { name: 'start_time', type: 'timestamptz', nullable: true },
    endTime: { name: 'end_time', type: 'timestamptz', nullable: true },
    exitCode: { name: 'exit_code', type: 'integer', nullable: true },
    cmd: { type: 'jsonb', nullable: true },
    stdout: { type: 'text', nullable: true },
    stderr: { type: 'text', nullable: true },
    systemLogs: { name: 'system_logs', type: 'jsonb' },
    outputs: { type: 'jsonb' },
    childRunId: { name: 'child_run_id', type: 'text', nullable: true },
    parentTaskId: { name: 'parent_task_id', type: 'text', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [{ name: 'tasks_listing_idx', columns: ['runId', 'seq', 'taskId'] }],
  foreignKeys: [
    {
      name: 'tasks_run_id_fkey',
      target: RunSchema,
      columnNames: ['runId'],
      referencedColumnNames: ['runId'],
      onDelete: 'CASCADE',
    },
  ],
});

/** Runs per owner ('' for none) and WES state, in stripes, kept by triggers on runs (read-model/migrations/1797000000000-ReadPath.ts). */
export interface RunCountEntity {
  owner: string;
  wesState: string;
  stripe: number;
  runs: string;
}

export const RunCountSchema = new EntitySchema<RunCountEntity>({
  name: 'RunCount',
  tableName: 'run_counts',
  columns: {
    owner: { type: 'text', primary: true, primaryKeyConstraintName: 'run_counts_pkey' },
    wesState: { name: 'wes_state', type: 'text', primary: true, primaryKeyConstraintName: 'run_counts_pkey' },
    stripe: { type: 'smallint', primary: true, primaryKeyConstraintName: 'run_counts_pkey' },
    runs: { type: 'bigint' },
  },
});
