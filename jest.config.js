// Jest: three projects run in this order under `npm test` (--runInBand):
//   unit        pure logic, no servers
//   workflow    workflow code on the real Temporal test server (time skipping)
//   integration the real local stack (Temporal dev server, FerretDB, mail sink, Twilio simulator,
//               worker and API processes), driven through HTTP only
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
};
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
  reporters: [
    'default',
    [
      'jest-junit',
      {
        outputDirectory: 'test-results',
        outputName: 'junit.xml',
        suiteNameTemplate: '{displayName} {filepath}',
      },
    ],
  ],
  testTimeout: 120_000,
  // A suite that fails can leave a client or timer behind; the run ends when its tests end (a CI
  // run once waited an hour after "Jest did not exit").
  forceExit: true,
};
