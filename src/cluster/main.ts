/**
 * The loopback cluster's command (scripts/cluster.sh; docs/deployment.md, "A cluster on one
 * machine"), and its Temporal half alone (scripts/cluster/temporal.sh). The cluster's directory is
 * DURABLE_WES_CLUSTER_DIR (<repo>/.data/cluster): not a WES_ variable, as the product's processes
 * refuse names of theirs they do not know.
 */
import path from 'node:path';
import { repoRoot } from '../../activities/repo-root';
import { ClusterError } from './daemons';
import { ProductCluster } from './product-cluster';
import { build } from './temporal-build';

const USAGE = `usage: scripts/cluster.sh COMMAND
  up                 build what is missing, start everything, print the addresses
  down [--purge]     stop everything (--purge: and delete its data)
  status             one line per process: name, pid, alive or dead (and a worker's host)
  kill NAME          SIGKILL one process (api-1, worker-3, history-1, ...)
  start NAME         start that process again (or one more worker: worker-4, ...)
  stop NAME          stop one of the cluster's own processes gracefully (SIGTERM)
  temporal COMMAND   the Temporal half alone (scripts/cluster/temporal.sh):
                     build | up | down [--purge] | purge | status | members | kill NAME | start NAME
Environment: DURABLE_WES_CLUSTER_DIR (.data/cluster), CLUSTER_API_PORT (18080; replicas on the next two),
CLUSTER_PG_PORT (17432), CLUSTER_TEMPORAL_PORT (17233), CLUSTER_UI_PORT (18233), CLUSTER_BUILD_ID (1), DURABLE_WES_CACHE.`;

class UsageError extends Error {}

/** The command line's words: any of them may be missing. */
type Words = [command?: string, argument?: string, ...rest: string[]];

function named(name: string | undefined): string {
  if (!name) throw new UsageError('a process name is missing');
  return name;
}

async function temporalCommand(cluster: ProductCluster, [command, argument]: Words): Promise<void> {
  const temporal = cluster.temporal;
  switch (command) {
    case 'build': {
      build();
      return;
    }
    case 'up':
      return temporal.up();
    case 'down':
      return temporal.down(argument === '--purge');
    case 'purge':
      return temporal.down(true);
    case 'status': {
      console.log(temporal.status().join('\n'));
      return;
    }
    case 'members': {
      console.log((await temporal.members()).join('\n'));
      return;
    }
    case 'kill': {
      temporal.kill(named(argument));
      return;
    }
    case 'start':
      return temporal.start(named(argument));
    default:
      throw new UsageError(`unknown temporal command '${command ?? ''}'`);
  }
}

async function command(cluster: ProductCluster, [command, argument, ...rest]: Words): Promise<void> {
  switch (command) {
    case 'up':
      return cluster.up();
    case 'down':
      return cluster.down(argument === '--purge');
    case 'status': {
      console.log(cluster.status().join('\n'));
      return;
    }
    case 'kill': {
      cluster.kill(named(argument));
      return;
    }
    case 'stop':
      return cluster.stop(named(argument));
    case 'start':
      return cluster.start(named(argument));
    case 'temporal':
      return temporalCommand(cluster, [argument, ...rest]);
    default:
      throw new UsageError(`unknown command '${command ?? ''}'`);
  }
}

export async function main(args: string[]): Promise<number> {
  const clusterDir = path.resolve(process.env.DURABLE_WES_CLUSTER_DIR ?? path.join(repoRoot, '.data/cluster'));
  try {
    await command(new ProductCluster(clusterDir), args);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`cluster: ${err.message}\n${USAGE}`);
      return 2;
    }
    const detail = err instanceof ClusterError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`cluster: ${detail}`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
