// Three tiers: pure unit specs beside the code, integration and e2e suites against real servers.
const moduleNameMapper = { '^@tocsin/([a-z-]+)$': '<rootDir>/libs/$1/src' };
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper,
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.setup.ts'],
    },
    // Kills cluster nodes: only on the cluster scripts/test-cluster.sh starts, never under npm test.
    ...(process.env.TOCSIN_CLUSTER_SUITE === '1'
      ? [
          {
            ...common,
            displayName: 'cluster',
            testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
            setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.setup.ts'],
          },
        ]
      : []),
    // The fault suite kills apps and restarts Kafka and Redis: it never runs beside the other
    // suites, only on its own (npm run test:faults, which sets TOCSIN_FAULTS=1).
    ...(process.env.TOCSIN_FAULTS === '1'
      ? [
          {
            ...common,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
            setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.setup.ts'],
          },
        ]
      : []),
  ],
};
