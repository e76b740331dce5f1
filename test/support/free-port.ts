export { freePort } from '../../src/processes/free-port';
