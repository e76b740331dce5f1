/**
 * The logger of the activity this code runs in: its lines carry the activity's attributes, among
 * them the run's workflow id (the worker logs it as `run_id`, src/logging/temporal-logger.ts).
 * Providers also run outside activities (the API asks them for service-info; tests call them
 * directly): there, nobody is listening and nothing is logged.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';

const nothing = () => undefined;
const silent: Logger = { log: nothing, trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing };

export function activityLog(): Logger {
  return asyncLocalStorage.getStore()?.log ?? silent;
}
