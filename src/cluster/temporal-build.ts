/**
 * The pinned Temporal server, its SQL tool and the UI server, built from source with `go install`
 * into the cache once (docs/deployment.md, "On one machine").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userCacheDir } from '../config/user-cache';
import { ClusterError } from './daemons';

export const SERVER_VERSION = 'v1.30.4';
// The UI release of server v1.30's time (two weeks after v1.30.4, on the same API line, v1.62).
// From v2.53 the UI follows API v1.63 (later servers); from v2.56 it also needs Go 1.26.10.
const UI_VERSION = 'v2.49.1';

const cacheDir = path.join(userCacheDir(), `temporal-server-${SERVER_VERSION}`);
export const binaries = {
  server: path.join(cacheDir, 'temporal-server'),
  sqlTool: path.join(cacheDir, 'temporal-sql-tool'),
  ui: path.join(cacheDir, 'temporal-ui-server'),
  /** Written when the UI did not build, so that every `up` does not try again; delete it to retry. */
  uiUnavailable: path.join(cacheDir, 'temporal-ui-server.unavailable'),
};

/** Temporal's PostgreSQL schema, from the server's module in the Go module cache. */
export function schemaDir(): string {
  const modules = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  return path.join(modules, `go.temporal.io/server@${SERVER_VERSION}`, 'schema/postgresql/v12');
}

export function build(): void {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new ClusterError("'go' is not on PATH: it builds the Temporal server from source");
  }
  mkdirSync(cacheDir, { recursive: true });
  if (!goBuild(`go.temporal.io/server/cmd/server@${SERVER_VERSION}`, binaries.server))
    throw new ClusterError('building the Temporal server failed');
  if (!goBuild(`go.temporal.io/server/cmd/tools/sql@${SERVER_VERSION}`, binaries.sqlTool))
    throw new ClusterError('building temporal-sql-tool failed');
  if (
    !existsSync(binaries.ui) &&
    !existsSync(binaries.uiUnavailable) &&
    !goBuild(`github.com/temporalio/ui-server/v2/cmd/server@${UI_VERSION}`, binaries.ui)
  ) {
    const go = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
    writeFileSync(binaries.uiUnavailable, `github.com/temporalio/ui-server/v2@${UI_VERSION} did not build with ${go}\n`);
    console.error(`cluster: the Temporal UI server did not build: the cluster runs without a UI (${binaries.uiUnavailable})`);
  }
  const schema = schemaDir();
  if (!['temporal', 'visibility'].every((db) => existsSync(path.join(schema, db, 'versioned')))) {
    throw new ClusterError(`Temporal's PostgreSQL schema is missing from the module cache: ${schema}`);
  }
}

/**
 * `go install` names a binary after its package's directory, and all three are `server` or `sql`:
 * each is built alone into a scratch GOBIN and moved to its own name.
 */
function goBuild(pkg: string, target: string): boolean {
  if (existsSync(target)) return true;
  console.error(`cluster: building ${pkg} into ${cacheDir}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-go-'));
  try {
    // GOTOOLCHAIN=local: a module asking for a newer Go fails here instead of fetching a toolchain.
    execFileSync('nice', ['go', 'install', pkg], {
      env: { ...process.env, GOTOOLCHAIN: 'local', GOBIN: scratch },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    renameSync(path.join(scratch, readdirSync(scratch)[0]), target);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
