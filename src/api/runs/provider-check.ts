/**
 * The provider a run goes to, chosen and checked as a worker would: its name is configured and it
 * can run the request (what its settings alone tell). Throws InvalidRunRequestError, a 400.
 */
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { RunInput } from '../../../domain/run-types';

export function checkedProvider(registry: DescriptorRegistry, input: Pick<RunInput, 'provider' | 'request'>): string {
  const provider = registry.select(input);
  registry.get(provider).validate(input.request);
  return provider;
}
