/** The workflow bundle of the replay test's older histories: types the worker no longer hosts. */
export { wesRun } from './wes-run-v3';
