/**
 * Which providers a process has, and which one a run uses. Providers are configuration:
 * a run names one (or the default applies), and an unknown name is an invalid request.
 */
import { InvalidRunRequestError } from '../errors';
import type { Provider } from './provider';
import { PROVIDER_TAG } from '../run-tags';
import type { RunInput } from '../../domain/run-types';

/** How many activities of one provider a worker runs at once unless configured otherwise. */
export const DEFAULT_PROVIDER_CONCURRENCY = 50;

/** The configured providers by name, each as one side sees it: runners (workers) or descriptors (API). */
export class NamedProviders<T> {
  constructor(
    private readonly providers: ReadonlyMap<string, T>,
    readonly defaultProvider: string,
  ) {
    if (!providers.has(defaultProvider)) throw new Error(`default provider '${defaultProvider}' is not configured`);
  }

  names(): string[] {
    return [...this.providers.keys()];
  }

  has(name: string): boolean {
    return this.providers.has(name);
  }

  get(name: string): T {
    const provider = this.providers.get(name);
    if (!provider) {
      throw new InvalidRunRequestError(`unknown provider '${name}' (configured: ${this.names().join(', ')})`);
    }
    return provider;
  }

  /** The provider's name for a run: the run's explicit choice, its tag, or the default. */
  select(input: Pick<RunInput, 'provider' | 'request'>): string {
    return input.provider ?? input.request.tags?.[PROVIDER_TAG] ?? this.defaultProvider;
  }
}

/** The worker's runners. */
export class ProviderRegistry extends NamedProviders<Provider> {
  constructor(
    providers: ReadonlyMap<string, Provider>,
    defaultProvider: string,
    private readonly concurrencyLimits: ReadonlyMap<string, number> = new Map(),
  ) {
    super(providers, defaultProvider);
  }

  /** The most activities of this provider one worker runs at once. */
  concurrency(name: string): number {
    return this.concurrencyLimits.get(name) ?? DEFAULT_PROVIDER_CONCURRENCY;
  }
}
