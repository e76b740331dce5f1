/**
 * The cluster suites (`npm run cluster:test`): against the cluster scripts/cluster.sh brought up,
 * instead of the dev server the other suites start. One file at a time: they share the cluster.
 */
const { projects, ...base } = require('../../jest.config');
const [suites] = projects;

module.exports = {
  ...base,
  ...suites,
  displayName: undefined,
  rootDir: '../..',
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 600_000,
};
