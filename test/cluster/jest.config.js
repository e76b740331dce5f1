/**
 * The cluster suites (`npm run cluster:test`): against the cluster scripts/cluster.sh brought up,
 * instead of the dev server the other suites start. One file at a time: they share the cluster.
 */
const base = require('../../jest.config');

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 600_000,
};
