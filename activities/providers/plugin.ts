/**
 * A provider kind as one plugin (docs/design.md, "Adding a provider"): the schema of its settings,
 * the runner a worker builds from them, the descriptor the API builds from them. kinds.ts lists the
 * plugins, one line each.
 */
import type { z } from 'zod';
import type { Provider } from './provider';
import type { DescriptorContext, ProviderDescriptor } from './descriptor';
import type { Env } from './settings-schemas';

/** What every kind's settings have: its `kind` literal, and how many of its activities a worker runs at once. */
export interface BaseSettings {
  kind: string;
  maxConcurrent?: number;
}

export interface ProviderPlugin<Schema extends z.ZodType<BaseSettings> = z.ZodType<BaseSettings>> {
  /** Parses one provider's entry of the providers document; `env` resolves what names an environment variable. */
  settings(env: Env): Schema;
  /** The worker's side: runs, polls and cancels runs (it may probe engines, start servers). */
  createRunner(settings: z.output<Schema>): Provider;
  /** The API's side: validates requests, serves outputs and logs; never runs anything. */
  createDescriptor(settings: z.output<Schema>, context: DescriptorContext): ProviderDescriptor;
}

/** Types a plugin's runner and descriptor by its schema. */
export function providerPlugin<Schema extends z.ZodType<BaseSettings>>(plugin: ProviderPlugin<Schema>): ProviderPlugin<Schema> {
  return plugin;
}
