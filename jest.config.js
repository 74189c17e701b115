// One config, three projects: unit specs beside the code, the generator's own tests, and e2e suites
// against the real local PostgreSQL, Redis and RabbitMQ. Type-checking is `npm run typecheck`'s job,
// so ts-jest only transpiles here.
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
  ],
};
