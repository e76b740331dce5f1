/**
 * Every repository path README.md and docs/*.md name still exists, so that a file moved or removed
 * takes its mentions in the docs with it.
 *
 * What counts as a path, wherever it stands (prose, `code`, fenced blocks):
 * - a run of path characters that starts with a top-level entry of the repository (a file or folder
 *   at its root that .gitignore does not ignore) followed by `/`, and is not the tail of a longer
 *   path or a URL: `src/api/app.ts`, `workflows/`, `test/histories/run-7.json`. A trailing `.` or `,`
 *   is the sentence's; `workflows/s` is a rate (workflows per second), not a path. Where a placeholder follows (`…`, `<run id>`, `*`, `{id}`, `$VAR`), the path
 *   is what comes before it, up to its last `/`: `test/security/…` names the folder test/security/;
 * - the target of a markdown link that is not a URL, relative to the document, and its #anchor,
 *   which must be the anchor GitHub gives a heading of the document it names.
 * Paths outside the repository (`/etc/passwd`, `~/.cache/…`, `dist/src/worker.js`, a run's
 * `outputs/`) are none of these, as their first segment is no top-level entry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const ignored = new Set(
  readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/\/$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#')),
);
const TOP_LEVEL = readdirSync(ROOT).filter((name) => name !== '.git' && !ignored.has(name));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATH_CHARS = '[\\w.@+/-]';
/** A path starts at a top-level entry, not inside a longer path, a URL or a variable. */
const REPO_PATH = new RegExp(`(?<![\\w./:@~$-])(?:${TOP_LEVEL.map(escape).join('|')})/${PATH_CHARS}*`, 'g');
const PLACEHOLDER = /^[…<*{$%]/;
const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

/** The repository paths `text` names: the path, or for one a placeholder follows, its folder. */
function namedPaths(text: string): string[] {
  return [...text.matchAll(REPO_PATH)].flatMap((match) => {
    const named = match[0].replace(/[.,]+$/, '');
    if (/^[^/]+\/s$/.test(named)) return [];
    const following = text.slice(match.index + match[0].length);
    return [PLACEHOLDER.test(following) ? named.slice(0, named.lastIndexOf('/') + 1) : named];
  });
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens (a repeated one: -1, -2, ...). */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!/^#{1,6} /.test(line)) continue;
    const anchor = anchorOf(line.replace(/^#+ /, ''));
    let unique = anchor;
    for (let repeat = 1; anchors.has(unique); repeat++) unique = `${anchor}-${repeat}`;
    anchors.add(unique);
  }
  return anchors;
}

/** The stale names of `doc`: paths and link targets that name nothing there is. */
function staleNames(doc: string): string[] {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const stale = namedPaths(text).filter((named) => !existsSync(path.join(ROOT, named)));
  for (const [, target] of text.matchAll(LINK)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [file, ...anchor] = target.split('#');
    const resolved = file === '' ? path.join(ROOT, doc) : path.resolve(path.dirname(path.join(ROOT, doc)), file);
    if (!existsSync(resolved)) stale.push(target);
    else if (anchor.length > 0 && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor.join('#'))) stale.push(target);
  }
  return [...new Set(stale)];
}

test('the rule finds paths, folders before placeholders, and leaves URLs and paths elsewhere alone', () => {
  const text =
    'See `src/api/app.ts`, then workflows/. Also test/security/… and docs/x/<name>.md; not https://github.com/o/r/src/a.ts, dist/src/b.js, /etc/docs/c or 9 workflows/s.';
  expect(namedPaths(text)).toEqual(['src/api/app.ts', 'workflows/', 'test/security/', 'docs/x/']);
  expect(anchorOf('A cluster on one machine (`scripts/cluster.sh`)')).toBe('a-cluster-on-one-machine-scriptsclustersh');
});

test.each(DOCS)('%s names only paths that exist', (doc) => {
  expect(staleNames(doc)).toEqual([]);
});
