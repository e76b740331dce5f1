/**
 * Prints the default release of each local engine, one a line: `<engine> <version> <pip spec>...`, tab-separated,,
 * for scripts/engines.sh to install (docs/design.md, "Engine versions").
 */
import { LOCAL_ENGINES } from '../activities/providers/local/engines';

for (const { name, releases } of LOCAL_ENGINES) {
  console.log([name, releases.default, ...releases.pip[releases.default]].join('\t'));
}
