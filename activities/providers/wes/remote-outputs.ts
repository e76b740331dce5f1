/**
 * The outputs of a run on a remote WES (the `wes` provider): the File and Directory objects of the
 * outputs the remote reported that lie on the remote's own server (the origin of the provider's
 * `baseUrl`), named by their place under the deepest URL directory they all share. Only those are
 * served, proxied from the remote with the provider's token. A location elsewhere is not fetched from
 * here (neither the token nor our network goes where a remote points), and a remote's file://
 * locations are on its own disk: both stay as they are.
 */
import type { WesSettings } from './settings';
import { cwlFileObjects } from '../outputs/cwl-files';
import { encodePath, isUnder, outputPath } from '../outputs/output-path';
import { openRemoteFile } from './remote-file';
import { directoryOf, type OutputEntry, type OutputSource, type OutputTarget } from '../outputs/output-source';

interface RemoteFile {
  url: string;
  size?: number;
}

const isHttp = (location: unknown): location is string => typeof location === 'string' && /^https?:\/\//i.test(location);

/** The URL without its query, fragment or trailing `/`: what names the file or directory. */
const resource = (url: URL) => `${url.origin}${url.pathname.replace(/\/+$/, '')}`;

export class RemoteOutputs implements OutputSource {
  private readonly files = new Map<string, RemoteFile>();
  /** Path → the directory's URL, without a trailing `/`. */
  private readonly directories = new Map<string, string>();
  /** The URL directory (ending in `/`) every location lies under. */
  private readonly base: string;

  constructor(
    outputs: Record<string, unknown>,
    private readonly settings: Pick<WesSettings, 'baseUrl' | 'token' | 'requestTimeoutMs'>,
  ) {
    const remote = new URL(settings.baseUrl).origin;
    const found = cwlFileObjects(outputs).flatMap((object) => {
      if (!isHttp(object.location)) return [];
      try {
        const url = new URL(object.location);
        return url.origin === remote ? [{ object, url }] : [];
      } catch {
        return [];
      }
    });
    this.base = commonDirectory(found.map(({ url }) => resource(url)));
    for (const { object, url } of found) {
      const relative = this.pathOf(url.href);
      if (relative === undefined) continue;
      if (object.class === 'Directory') this.directories.set(relative, resource(url));
      else this.files.set(relative, { url: url.href, ...(typeof object.size === 'number' ? { size: object.size } : {}) });
    }
  }

  /** The output path of a remote location, if it is one of this run's. */
  pathOf(location: string): string | undefined {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      return undefined;
    }
    const name = resource(url);
    if (this.base === '' || !name.startsWith(this.base)) return undefined;
    try {
      return outputPath(name.slice(this.base.length).split('/').map(decodeURIComponent).join('/'));
    } catch {
      // Not percent-encoding: no name of ours.
      return undefined;
    }
  }

  async list(): Promise<OutputEntry[]> {
    return [...this.files].map(([path, { size }]) => ({ path, ...(size === undefined ? {} : { size }) }));
  }

  async locate(wanted: string): Promise<OutputTarget | undefined> {
    const file = this.files.get(wanted);
    if (file) return this.proxy(file.url);
    const listed = directoryOf(await this.list(), wanted);
    if (listed) return listed;
    // A file inside a Directory the remote reported without its listing: the remote knows.
    for (const [dir, url] of this.directories) {
      if (wanted !== dir && isUnder(wanted, dir)) return this.proxy(`${url}/${encodePath(wanted.slice(dir.length + 1))}`);
    }
    return undefined;
  }

  private proxy(url: string): OutputTarget {
    const { requestTimeoutMs: timeoutMs, token } = this.settings;
    return { kind: 'stream', open: (request) => openRemoteFile({ url, timeoutMs, ...(token ? { token } : {}) }, request) };
  }
}

/** The longest URL directory (up to a `/`) that every one of `urls` starts with; '' when none. */
function commonDirectory(urls: string[]): string {
  if (urls.length === 0) return '';
  let common = urls[0].slice(0, urls[0].lastIndexOf('/') + 1);
  for (const url of urls) {
    while (!url.startsWith(common)) common = common.slice(0, common.lastIndexOf('/', common.length - 2) + 1);
  }
  // A scheme alone ("https://") is no directory of one server.
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]+\//i.test(common) ? common : '';
}
