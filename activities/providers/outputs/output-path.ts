/**
 * A path relative to a run's outputs, as the download URL names it (docs/design.md, "Outputs"):
 * segments joined by `/`, none empty, `.` or `..`, none holding a NUL. Anything else names no
 * output, so no path can climb out of the run's outputs, whatever serves them.
 */
export function outputPath(given: string): string | undefined {
  const segments = given.split('/');
  const unsafe = segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\0'));
  return unsafe ? undefined : segments.join('/');
}

/** Whether `path` is `dir` or lies under it; every path lies under the outputs' root (''). */
export function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** A path as the last part of a URL: each segment encoded, the separators kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
