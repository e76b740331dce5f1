/**
 * Fills durable-wes's read model with `count` runs where making them through the API would take
 * hours: each a copy of a real run the product made (its `runs` row, its transitions and its task
 * rows), with a new run id wherever the original's appeared and a submission time one second apart
 * going back from it, so that the copies are older than every real run and list behind them.
 * The same rows the worker's projection writes; only the Temporal workflows behind them do not exist,
 * which no read (`GET /runs`, `GET /runs/{id}/status`) asks for.
 */
import { Client } from 'pg';

const TABLES = ['runs', 'transitions', 'tasks'] as const;

/** Every column of the table copied from the template's row: ids rewritten, times moved for `runs`. */
async function copyColumns(client: Client, table: string): Promise<string> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
  );
  return rows
    .map(({ column_name: name, data_type: type }) => {
      if (name === 'run_id') return 'seed.id';
      if (table === 'runs' && ['submitted_at', 'start_time', 'end_time', 'updated_at'].includes(name))
        return `t.${name} - seed.i * interval '1 second'`;
      if (type === 'jsonb') return `replace(t.${name}::text, $1, seed.id)::jsonb`;
      if (type === 'text') return `replace(t.${name}, $1, seed.id)`;
      return `t.${name}`;
    })
    .join(', ');
}

export async function seedReadModel(databaseUrl: string, templateRunId: string, count: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS SELECT i, 'run-' || gen_random_uuid() AS id FROM generate_series(1, $1::int) AS i`,
      [count],
    );
    for (const table of TABLES) {
      const columns = await copyColumns(client, table);
      await client.query(`INSERT INTO ${table} SELECT ${columns} FROM ${table} t CROSS JOIN seed WHERE t.run_id = $1`, [templateRunId]);
    }
    await client.query('COMMIT');
    // What autovacuum does after such a load, done before the reads instead of during them: the
    // planner sees the tables as they now are, and their pages are marked visible to all.
    for (const table of TABLES) await client.query(`VACUUM (ANALYZE) ${table}`);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
