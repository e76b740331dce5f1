/** The workflow bundle's entry point: every workflow type the worker hosts. */
export { wesRun } from './wes-run';
