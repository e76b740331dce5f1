import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each kind of statement on runs changes the number of runs per (owner, WES state): the rows
 * it inserted count +1, the rows it deleted -1, an update both (a row that kept its owner and state
 * nets 0). An owner of '' stands for none: no caller's owner is empty (src/config/auth-config.ts,
 * src/api/auth/jwt-verifier.ts), and a primary key cannot hold a NULL.
 */
const DELTAS = {
  insert: `SELECT owner, wes_state, 1 AS delta FROM new_runs`,
  update: `SELECT owner, wes_state, 1 AS delta FROM new_runs UNION ALL SELECT owner, wes_state, -1 FROM old_runs`,
  delete: `SELECT owner, wes_state, -1 AS delta FROM old_runs`,
};

/**
 * Each connection counts in a stripe of its own (its backend's pid modulo this): a count row is locked
 * until its transaction commits, and with one row per (owner, state) every projection that moves a run
 * would wait for every other one moving a run between the same states. A stripe is only a share of a
 * sum: the runs of (owner, state) are the sum over its stripes, whichever stripes counted them.
 */
const STRIPES = 8;

const TRANSITION_TABLES = {
  insert: 'NEW TABLE AS new_runs',
  update: 'OLD TABLE AS old_runs NEW TABLE AS new_runs',
  delete: 'OLD TABLE AS old_runs',
};

/**
 * The read path at 100k runs (docs/design.md, "The read model"): `total_runs` from counts kept per
 * (owner, WES state) instead of a count of every row on every page, and the listing by state or by
 * owner as an index scan in its keyset order.
 *
 * The counts are kept by statement-level triggers over transition tables, so that a statement of
 * many rows (a bulk load) makes one change per count rather than one per row. Each trigger changes
 * its counts in one statement in key order: two transactions moving runs between the same states in
 * opposite directions lock the count rows in the same order and cannot deadlock; a statement that
 * nets no change (a projection that keeps the run's state) locks none. The counts are striped (below).
 */
export class ReadPath1797000000000 implements MigrationInterface {
  name = 'ReadPath1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE run_counts (
        owner     text     NOT NULL,
        wes_state text     NOT NULL,
        stripe    smallint NOT NULL,
        runs      bigint   NOT NULL,
        CONSTRAINT run_counts_pkey PRIMARY KEY (owner, wes_state, stripe)
      )`);
    for (const [event, deltas] of Object.entries(DELTAS) as Array<[keyof typeof DELTAS, string]>) {
      await queryRunner.query(`
        CREATE FUNCTION run_counts_on_${event}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO run_counts AS counts (owner, wes_state, stripe, runs)
          SELECT COALESCE(owner, ''), wes_state, pg_backend_pid() % ${STRIPES}, sum(delta) FROM (${deltas}) AS changes
          GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
          ON CONFLICT (owner, wes_state, stripe) DO UPDATE SET runs = counts.runs + EXCLUDED.runs;
          RETURN NULL;
        END $$`);
      await queryRunner.query(`
        CREATE TRIGGER run_counts_${event} AFTER ${event.toUpperCase()} ON runs
        REFERENCING ${TRANSITION_TABLES[event]} FOR EACH STATEMENT EXECUTE FUNCTION run_counts_on_${event}()`);
    }
    await queryRunner.query(`
      CREATE FUNCTION run_counts_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM run_counts;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER run_counts_truncate AFTER TRUNCATE ON runs FOR EACH STATEMENT EXECUTE FUNCTION run_counts_on_truncate()`,
    );
    // After the triggers: creating them locked out writers, so no run is counted twice or missed.
    await queryRunner.query(
      `INSERT INTO run_counts (owner, wes_state, stripe, runs) SELECT COALESCE(owner, ''), wes_state, 0, count(*) FROM runs GROUP BY 1, 2`,
    );

    // The listing filtered by state or by owner, in its keyset order: these replace the plain indexes on either column.
    await queryRunner.query(`CREATE INDEX runs_wes_state_listing_idx ON runs (wes_state, submitted_at DESC, run_id DESC)`);
    await queryRunner.query(`CREATE INDEX runs_owner_listing_idx ON runs (owner, submitted_at DESC, run_id DESC)`);
    await queryRunner.query(`DROP INDEX runs_wes_state_idx`);
    await queryRunner.query(`DROP INDEX runs_owner_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX runs_wes_state_idx ON runs (wes_state)`);
    await queryRunner.query(`CREATE INDEX runs_owner_idx ON runs (owner)`);
    await queryRunner.query(`DROP INDEX runs_owner_listing_idx`);
    await queryRunner.query(`DROP INDEX runs_wes_state_listing_idx`);
    for (const event of [...Object.keys(DELTAS), 'truncate']) {
      await queryRunner.query(`DROP TRIGGER run_counts_${event} ON runs`);
      await queryRunner.query(`DROP FUNCTION run_counts_on_${event}()`);
    }
    await queryRunner.query(`DROP TABLE run_counts`);
  }
}
