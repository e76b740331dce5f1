// The two questions scripts/cluster/temporal.sh asks PostgreSQL, which its SQL tool cannot:
//   node query.js <database url> data-directory   the data directory of the server that answers
//   node query.js <database url> members          the Temporal services alive in the membership
//     ring, as they record themselves in the `temporal` database, one a line:
//     <role> <rpc port> <session start, epoch s> <seconds since the last heartbeat>
const { Client } = require('pg');

// Temporal's persistence.ServiceType.
const ROLES = ['all', 'frontend', 'history', 'matching', 'worker', 'internal-frontend'];
// A member whose heartbeat is older is one Temporal itself no longer counts as healthy.
const HEARTBEAT_CUTOFF_SECONDS = 20;

const QUERIES = {
  'data-directory': async (client) => {
    const { rows } = await client.query('SHOW data_directory');
    console.log(rows[0].data_directory);
  },
  members: async (client) => {
    // The timestamps are UTC without a zone: compared with UTC, never with the host's zone.
    const { rows } = await client.query(
      `SELECT role, rpc_port,
              extract(epoch FROM session_start)::bigint AS started,
              extract(epoch FROM (now() AT TIME ZONE 'UTC') - last_heartbeat)::int AS age
         FROM cluster_membership
        WHERE last_heartbeat > (now() AT TIME ZONE 'UTC') - make_interval(secs => $1)
        ORDER BY role, rpc_port`,
      [HEARTBEAT_CUTOFF_SECONDS],
    );
    for (const row of rows) console.log(`${ROLES[row.role] ?? row.role} ${row.rpc_port} ${row.started} ${row.age}`);
  },
};

async function main() {
  const [url, name] = process.argv.slice(2);
  const query = QUERIES[name];
  if (!url || !query) throw new Error(`usage: node query.js <database url> ${Object.keys(QUERIES).join('|')}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await query(client);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(`query.js: ${err.message}`);
  process.exit(1);
});
