/**
 * What can be refused of a run's http(s) references before anything is fetched, at submission
 * (a 400) and again on the worker: loader directives in workflow_params, http(s) Directories
 * (a URL has no listing to fetch), and URLs whose host is a refused address written out.
 * Addresses behind a host name are judged when the download resolves them (download.ts).
 */
import { InvalidRunRequestError } from '../errors';
import type { FetchSettings } from '../providers/settings-schemas';
import type { WesRunRequest } from '../../domain/run-types';
import { AddressPolicy } from './address-policy';
import { shownUrl, urlRefusal } from './download';
import { inputLocations } from './input-locations';
import { loaderDirective, loaderDirectiveRefusal } from './loader-directives';

export function checkFetchable(request: WesRunRequest, settings: FetchSettings): void {
  const directive = loaderDirective(request.workflow_params);
  if (directive !== undefined) throw new InvalidRunRequestError(`local: ${loaderDirectiveRefusal(directive)}`);
  const policy = new AddressPolicy(settings.allow);
  const references = [{ at: 'workflow_url', class: 'File', value: request.workflow_url }, ...inputLocations(request.workflow_params)];
  for (const reference of references) {
    if (!/^https?:\/\//i.test(reference.value.trim())) continue;
    let url: URL;
    try {
      url = new URL(reference.value.trim());
    } catch {
      throw new InvalidRunRequestError(`local: ${reference.at} is not a valid URL: ${reference.value}`);
    }
    if (reference.class === 'Directory') {
      throw new InvalidRunRequestError(
        `local: ${reference.at} ${shownUrl(url)}: an http(s) Directory cannot be fetched; list its files in the Directory's listing, or attach them`,
      );
    }
    const refusal = urlRefusal(url, policy);
    if (refusal !== undefined) {
      throw new InvalidRunRequestError(
        `local: ${reference.at} ${shownUrl(url)} is not fetched: ${refusal} (the provider's fetch.allow may name it)`,
      );
    }
  }
}
