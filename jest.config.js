// One jest run, three projects: unit (pure, no servers), integration (real PostgreSQL + NATS per suite),
// e2e (the whole stack as child processes). Servers come from TEST_DATABASE_URL / TEST_NATS_URL, which
// `npm test` sets; when they are unset the global setup starts private ones (libs/testing).
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];

const common = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@parking/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1/index.ts',
    '^@parking/platform/tracing$': '<rootDir>/libs/platform/src/tracing.ts',
    '^@parking/(contracts|event-store|messaging|platform|testing)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.data/'],
};

// Only the projects that need servers start them: a project's global setup runs only when one of its
// tests runs, so the unit project (run per package by nx, see tools/nx) starts no PostgreSQL or NATS.
const servers = {
  globalSetup: '<rootDir>/libs/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/testing/global-teardown.mjs',
};

export default {
  maxWorkers: 2,
  // Readers wait for every older transaction on the server (xids are cluster-wide); with journeys
  // starting stacks beside them that can take seconds. Journeys set their own, longer limits.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.unit.spec.ts', '<rootDir>/deploy/**/*.unit.spec.ts'],
    },
    {
      ...common,
      ...servers,
      displayName: 'integration',
      // Readers wait for every older transaction on the server (xids are cluster-wide): with journeys
      // running beside them, that can take seconds.
      testTimeout: 30_000,
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.int.spec.ts', '<rootDir>/deploy/**/*.int.spec.ts'],
    },
    {
      ...common,
      ...servers,
      displayName: 'e2e',
      testTimeout: 120_000,
      testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
    },
  ],
};
