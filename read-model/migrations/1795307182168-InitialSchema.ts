import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read model (docs/design.md, "The read model"): runs, and the transitions of each. */
export class InitialSchema1795307182168 implements MigrationInterface {
  name = 'InitialSchema1795307182168';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE runs (
        run_id         text        NOT NULL,
        version        integer     NOT NULL,
        state          text        NOT NULL,
        wes_state      text        NOT NULL,
        canceling      boolean     NOT NULL,
        request        jsonb       NOT NULL,
        provider       text,
        owner          text,
        external_id    text,
        failure_reason text,
        error_message  text,
        outputs        jsonb       NOT NULL,
        run_log        jsonb       NOT NULL,
        cleaned        boolean     NOT NULL,
        submitted_at   timestamptz NOT NULL,
        start_time     timestamptz,
        end_time       timestamptz,
        updated_at     timestamptz NOT NULL,
        CONSTRAINT runs_pkey PRIMARY KEY (run_id)
      )`);
    await queryRunner.query(`CREATE INDEX runs_listing_idx ON runs (submitted_at DESC, run_id DESC)`);
    await queryRunner.query(`CREATE INDEX runs_wes_state_idx ON runs (wes_state)`);
    await queryRunner.query(`CREATE INDEX runs_owner_idx ON runs (owner)`);
    // For `request->'tags' @> '{"k":"v"}'`; jsonb_path_ops supports only containment, and is smaller.
    await queryRunner.query(`CREATE INDEX runs_tags_idx ON runs USING gin ((request->'tags') jsonb_path_ops)`);
    await queryRunner.query(`
      CREATE TABLE transitions (
        run_id     text        NOT NULL,
        seq        integer     NOT NULL,
        type       text        NOT NULL,
        from_state text        NOT NULL,
        to_state   text        NOT NULL,
        at         timestamptz NOT NULL,
        payload    jsonb,
        CONSTRAINT transitions_pkey PRIMARY KEY (run_id, seq),
        CONSTRAINT transitions_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (run_id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE transitions`);
    await queryRunner.query(`DROP TABLE runs`);
  }
}
