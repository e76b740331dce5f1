/**
 * Whether a workflow_url is relative, i.e. names an attachment: it has no scheme and is not an
 * absolute path (WES: "a relative URL corresponding to one of the files attached"). Pure: the API
 * checks submissions with it, the task workflow decides with it what a step's run needs.
 */
export function isRelativeUrl(url: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !url.startsWith('/');
}
