import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../activities/repo-root';

/**
 * The oldest Node.js major the product runs on: package.json's `engines.node` (`>=N`), the major
 * scripts/node-runtime.sh pins (docs/deployment.md, "Node.js").
 */
export function requiredNodeMajor(): number {
  const { engines } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
  const major = /^>=\s*(\d+)$/.exec(engines.node)?.[1];
  if (major === undefined) throw new Error(`package.json's engines.node is "${engines.node}", not ">=N"`);
  return Number(major);
}

/** What is wrong with running on Node.js `version`, if anything. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const required = requiredNodeMajor();
  if (Number(version.split('.')[0]) >= required) return undefined;
  return `Node.js ${required} or later is needed (package.json engines), this is ${version}: install it, or run this on the one the repository's commands pin (bash scripts/node-runtime.sh node …)`;
}

/**
 * Refuses an older Node.js before anything starts, with a line that says what is needed, rather
 * than failing later somewhere in a dependency.
 */
export function refuseOlderNode(processName: string): void {
  const problem = nodeVersionProblem();
  if (problem === undefined) return;
  console.error(`${processName}: ${problem}`);
  process.exit(2);
}
