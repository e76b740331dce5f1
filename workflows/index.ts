/** The workflow bundle's entry point: every workflow type the worker hosts. */
export { wesRunV5, wesRunV4 } from './wes-run';
export { wesTaskV1 } from './task-run';
