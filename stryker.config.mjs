// npm run mutation: how much of the handler's decision core, input parsing and error
// classification the fast unit suites pin down (docs/mutation-testing.md).

/** The unit suites of those files: pure functions, no fake control plane, no harness. */
const UNIT_SUITES = [
  'core/change-table',
  'core/change-view',
  'core/resource-properties',
  'aws/service-errors',
  'core/ownership-record',
  'core/claim-lock',
  'custom-resource/provider-request',
  'registry-type/registry-request',
].map(name => `<rootDir>/test/lambda/${name}.test.ts`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  coverageAnalysis: 'perTest',
  mutate: [
    // The state table and the facts it derives from one observation.
    'lambda/core/change-table.ts',
    'lambda/core/change-view.ts',
    // Input: the resource properties, and the ownership record read leniently.
    'lambda/core/resource-properties.ts',
    'lambda/core/ownership-record.ts',
    // Who holds the action's claim lock, and what a claimant makes of it.
    'lambda/core/claim-lock.ts',
    // How the registry type's handler request becomes a change, and what travels between its calls.
    'lambda/registry-type/registry-request.ts',
    // Which errors are transient, and the reasons permanent ones give.
    'lambda/aws/service-errors.ts',
  ],
  jest: {
    projectType: 'custom',
    // package.json's jest config (ts-jest with test/tsconfig.json, transpiling only), run on the unit suites alone.
    config: { testMatch: UNIT_SUITES },
  },
  // The sandbox needs the sources and the tests, not build output.
  ignorePatterns: ['/assets', '/lib', '/dist', '/coverage', '/test-reports', '/reports', '/test/cdk.out', '/.jsii', '/API.md'],
  tempDirName: '.stryker-tmp',
  // The machines have 2 cores.
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html'],
  clearTextReporter: { logTests: false, allowColor: false },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: 90 },
};
