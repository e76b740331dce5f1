/**
 * Two projects: the suites, against a real Temporal dev server and PostgreSQL started once by the
 * global set-up, and the checks of the repository's own files (test/static), which need no server
 * and so run without it (jest runs a project's global set-up only when one of its tests is chosen).
 */
const base = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
};

module.exports = {
  testTimeout: 120_000,
  // Two cores: one test file at a time keeps timings of the real servers predictable.
  maxWorkers: 1,
  projects: [
    {
      ...base,
      displayName: 'servers',
      roots: ['<rootDir>/test'],
      // The cluster suites need the cluster up (npm run cluster:test, test/cluster/jest.config.js).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/static/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    { ...base, displayName: 'static', roots: ['<rootDir>/test/static'] },
  ],
};
