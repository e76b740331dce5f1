import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tasks of each run (docs/design.md, "Tasks"): its engine's jobs, a task run's steps. */
export class Tasks1796152200000 implements MigrationInterface {
  name = 'Tasks1796152200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tasks (
        run_id         text        NOT NULL,
        task_id        text        NOT NULL,
        seq            integer     NOT NULL,
        version        integer     NOT NULL,
        name           text        NOT NULL,
        state          text        NOT NULL,
        start_time     timestamptz,
        end_time       timestamptz,
        exit_code      integer,
        cmd            jsonb,
        stdout         text,
        stderr         text,
        system_logs    jsonb       NOT NULL,
        outputs        jsonb       NOT NULL,
        child_run_id   text,
        parent_task_id text,
        updated_at     timestamptz NOT NULL,
        CONSTRAINT tasks_pkey PRIMARY KEY (run_id, task_id),
        CONSTRAINT tasks_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (run_id) ON DELETE CASCADE
      )`);
    // The listing's order and keyset.
    await queryRunner.query(`CREATE INDEX tasks_listing_idx ON tasks (run_id, seq, task_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tasks`);
  }
}
