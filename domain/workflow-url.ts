/**
 * Whether a workflow_url is relative, i.e. names an attachment: it has no scheme and is not an
 * absolute path (WES: "a relative URL corresponding to one of the files attached"). Pure: the API
 * checks submissions with it, the task workflow decides with it what a step's run needs.
 */
export function isRelativeUrl(url: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !url.startsWith('/');
}

/** RFC 3986's fragment: pchars (percent-encoded ones too), `/` and `?`. */
const FRAGMENT = /^(?:[\w.~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})+$/;

/**
 * A workflow_url split at its first `#`, as a URL is: the document, and the fragment that names one
 * process of it (`tests/scatter-wf3.cwl#main`, as cwltool takes it); `problem` when the fragment is
 * empty or not one a URL may carry.
 */
export function splitWorkflowUrl(url: string): { document: string; fragment?: string; problem?: string } {
  const at = url.indexOf('#');
  if (at < 0) return { document: url };
  const fragment = url.slice(at + 1);
  const problem = FRAGMENT.test(fragment) ? undefined : `has a #fragment that is empty or holds characters a URL fragment may not`;
  return { document: url.slice(0, at), fragment, ...(problem ? { problem } : {}) };
}
