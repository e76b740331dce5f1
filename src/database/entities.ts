/**
 * The read model's tables as TypeORM sees them. The schema itself comes from the migrations;
 * these must describe it exactly (a test checks that TypeORM finds nothing to change). Names of
 * keys and indexes are given so that both agree on them.
 */
import { EntitySchema } from 'typeorm';
import type { ExecutionState, TransitionType } from '../../workflows/state-machine';
import type { RunRow } from './run-store';

/** A RunRow as a table row: what is optional there is a nullable column here. */
export type RunEntity = {
  [K in keyof RunRow]-?: undefined extends RunRow[K] ? Exclude<RunRow[K], undefined> | null : RunRow[K];
} & { updatedAt: Date };

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
    { name: 'runs_wes_state_idx', columns: ['wesState'] },
    { name: 'runs_owner_idx', columns: ['owner'] },
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
