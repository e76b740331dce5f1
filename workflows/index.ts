/** The workflow bundle's entry point: every workflow type the worker hosts. */
export { wesRunV4 } from './wes-run';
export { wesTaskV1 } from './task-run';
