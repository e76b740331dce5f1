/**
 * Temporal's membership ring as the services record themselves in the `temporal` database: what
 * the cluster waits on for a service to have joined, and what `members` prints.
 */
import { Client } from 'pg';

export interface Member {
  role: string;
  rpcPort: number;
  /** Epoch seconds. */
  sessionStart: number;
  heartbeatAgeSeconds: number;
}

// Temporal's persistence.ServiceType.
const ROLES = ['all', 'frontend', 'history', 'matching', 'worker', 'internal-frontend'];
/** A member whose heartbeat is older is one Temporal itself no longer counts as healthy. */
const HEARTBEAT_CUTOFF_SECONDS = 20;

/** A row of the query below, as pg returns it: a bigint comes as a string. */
interface MembershipRow {
  role: number;
  rpc_port: number;
  started: string;
  age: number;
}

/** The members alive now. */
export async function members(temporalDatabaseUrl: string): Promise<Member[]> {
  const client = new Client({ connectionString: temporalDatabaseUrl });
  await client.connect();
  try {
    // The timestamps are UTC without a zone: compared with UTC, never with the host's zone.
    const { rows } = await client.query<MembershipRow>(
      `SELECT role, rpc_port,
              extract(epoch FROM session_start)::bigint AS started,
              extract(epoch FROM (now() AT TIME ZONE 'UTC') - last_heartbeat)::int AS age
         FROM cluster_membership
        WHERE last_heartbeat > (now() AT TIME ZONE 'UTC') - make_interval(secs => $1)
        ORDER BY role, rpc_port`,
      [HEARTBEAT_CUTOFF_SECONDS],
    );
    return rows.map((row) => ({
      role: ROLES[row.role] ?? String(row.role),
      rpcPort: row.rpc_port,
      sessionStart: Number(row.started),
      heartbeatAgeSeconds: row.age,
    }));
  } finally {
    await client.end();
  }
}

/** `<role> <rpc port> <session start, epoch s> <seconds since the last heartbeat>` */
export function formatMember(member: Member): string {
  return `${member.role} ${member.rpcPort} ${member.sessionStart} ${member.heartbeatAgeSeconds}`;
}
