import { awscdk, javascript } from 'projen';

/**
 * The AWS SDK for JavaScript version the handler is built against. The npm
 * registry this project builds from serves only this version of the Payment
 * Cryptography client, which lacks the MPA operations: see
 * lambda/aws/payment-cryptography-mpa-commands.ts.
 */
const AWS_SDK_VERSION = '3.882.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-mpa-team-association',
  description: 'AWS CDK construct that keeps an AWS Payment Cryptography Multi-Party Approval (MPA) team association in code, waiting for approvers on every change.',
  author: 'MPA Team Association contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-mpa/cdk-mpa-team-association.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'payment-cryptography', 'mpa', 'multi-party-approval', 'custom-resource'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // Building and testing need Node.js 20.16 or later: jsii 6 requires it (">= 20.16.0"), and
  // Stryker 9 and aws-cdk-lib need Node.js 20. npm checks devEngines on install.
  devEngines: {
    runtime: { name: 'node', version: '>=20.16.0', onFail: 'error' },
  },
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  // The peer range starts at the lowest aws-cdk-lib the construct works with. src/ compiles
  // from 2.252.0 (Validations.acknowledge, LogGroup.grants, CustomResource.serviceTimeout,
  // Runtime.NODEJS_22_X, the Provider's waiter log options), but before 2.269.0
  // Validations.acknowledge() throws InvalidValidationId on cdk-nag finding ids that hold
  // more than one '::' (aws/aws-cdk#38787), which a team ARN token produces. Found by
  // compiling src/ and running the construct tests against each candidate version.
  cdkVersion: '2.269.0',
  cdkVersionPinning: false,
  constructsVersion: '10.5.1',
  // Build and test against the newest aws-cdk-lib (the tests use aws_mpa), not the lowest:
  // the dev dependencies below are not pinned to the bottom of the peer ranges.
  peerDependencyOptions: { pinnedDevDependency: false },

  publishToPypi: {
    distName: 'cdk-mpa-team-association',
    module: 'cdk_mpa_team_association',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdkmpa',
    mavenArtifactId: 'cdk-mpa-team-association',
    javaPackage: 'io.github.cdkmpa.mpateamassociation',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkMpa.MpaTeamAssociation',
    packageId: 'CdkMpa.MpaTeamAssociation',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-mpa/cdk-mpa-team-association-go',
  },

  // Handlers live in lambda/ and are bundled explicitly below (with the AWS SDK inside).
  lambdaAutoDiscover: false,
  integrationTestAutoDiscover: false,

  devDeps: [
    'aws-cdk-lib@2.276.0',
    `@aws-sdk/client-payment-cryptography@${AWS_SDK_VERSION}`,
    // The ownership records live in SSM Parameter Store (lambda/core/ownership-record.ts).
    `@aws-sdk/client-ssm@${AWS_SDK_VERSION}`,
    // The registry type's handler sends its log lines to the type's log group (lambda/aws/provider-log.ts).
    `@aws-sdk/client-cloudwatch-logs@${AWS_SDK_VERSION}`,
    // The partitions' DNS suffixes, for MPA's endpoint (lambda/aws/mpa-api.ts): the version the clients use.
    '@aws-sdk/util-endpoints@3.879.0',
    // Not used by the handler: aws-cdk-lib's provider-framework runtime (outbound.js) requires
    // them, and the local simulation loads that runtime as it is (test/harness/).
    `@aws-sdk/client-lambda@${AWS_SDK_VERSION}`,
    `@aws-sdk/client-sfn@${AWS_SDK_VERSION}`,
    `@aws-sdk/core@${AWS_SDK_VERSION}`,
    `@aws-sdk/credential-provider-env@${AWS_SDK_VERSION}`,
    '@smithy/smithy-client@^4',
    '@smithy/middleware-serde@^4',
    '@smithy/middleware-endpoint@^4',
    '@smithy/protocol-http@^5',
    '@smithy/signature-v4@^5',
    '@smithy/types@^4',
    '@aws-crypto/sha256-js@5.2.0',
    '@types/aws-lambda',
    'esbuild',
    'cdk-nag@^3.0.2',
    // The rule packs are run under both cdk-nag majors (test/compliance/).
    'cdk-nag-v2@npm:cdk-nag@^2.38.2',
    // npm run mutation (9.x runs on Node 20; 10.x needs Node 22).
    '@stryker-mutator/core@^9.6.1',
    '@stryker-mutator/jest-runner@^9.6.1',
    'aws-cdk@^2',
    '@aws-cdk/integ-runner',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
  ],

  eslintOptions: {
    dirs: ['src'],
    // The handler's dependencies are bundled at build time: dev dependencies.
    devdirs: ['lambda', 'test', 'demo', 'bench', 'examples'],
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // Neither `npm test` nor a bare `npx jest` collects coverage: V8's precise coverage roughly
    // doubles the suite's time on these 2-core machines (measured 2026-12-07: 175-226 s with it,
    // 101 s without), which put a clean CI run past its 6 minutes. `npm run coverage` collects it.
    jestConfig: {
      testTimeout: 60_000,
      collectCoverage: false,
      // jest's default is one worker fewer than the cores: a single worker on a 2-core machine.
      maxWorkers: 2,
      // Apps in tests write their cloud assembly where it is removed after the file (test/harness/assembly-directory.ts).
      setupFilesAfterEnv: ['<rootDir>/test/jest.setup.ts'],
      additionalOptions: {
        // A worker that ran some thirty test files takes 420-540 ms from jest's end message to the
        // end of its process (measured: its 'exit' event fires within milliseconds, then Node frees
        // a heap of about 550 MB), against jest's default grace of 500 ms. Past the grace, jest kills
        // it and reports "A worker process has failed to exit gracefully", a leak that is not there.
        // A real leak (a handle left open) still keeps a worker alive past 2 s, and is still reported.
        workerGracefulExitTimeout: 2_000,
      },
    },
  },

  gitignore: ['/examples/cdk.out', 'cdk.context.json', '/.bench/', '/.jsii.tabl.json'],
});
// The example app imports the library by its package name, as a user's app does; in this
// repository examples/tsconfig.json maps that name onto src/ (and cdk.json's NODE_PATH serves it
// at run time), so eslint resolves it through the same tsconfig (and orders it as a local import).
project.eslint?.addOverride({
  files: ['examples/**/*.ts'],
  settings: { 'import/resolver': { node: {}, typescript: { project: './examples/tsconfig.json', alwaysTryTypes: true } } },
} as javascript.EslintOverride);
// Apps that use the library run on what aws-cdk-lib needs: Node.js 20 or later from the lowest
// aws-cdk-lib of the peer range (2.269.0) up. (The handler runs on Lambda's Node.js 22 runtime.)
project.package.addEngine('node', '>= 20.0.0');
// After the constructor, which replaces any constructs dev dependency with the peer one.
project.addDevDeps('constructs@10.5.1');
// jsii warns (JSII6) that the aws-cdk-lib dev dependency is not the bottom of the peer range:
// that is on purpose (see peerDependencyOptions above).
const JSII_FLAGS = '--silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency';
project.compileTask.reset(`jsii ${JSII_FLAGS}`);
project.watchTask.reset(`jsii -w ${JSII_FLAGS}`);
// After the constructor: projen un-ignores /test/ there, which drops patterns below it.
project.gitignore.addPatterns('/test/cdk.out', '/test/cdk-integ.out.*');

// ---------------------------------------------------------------------------
// The custom-resource handler: one bundle holding both entry points (onEvent
// and isComplete), built at build time and shipped in the package, so that
// consumers never bundle at synth. The AWS SDK is bundled, not external: the
// Lambda runtime's SDK is a different version and lacks the MPA operations.
// Warnings that break a bundle at run time (dynamic require/import) fail the build.
// ---------------------------------------------------------------------------
/**
 * One handler bundle: `lambda/<front end>/handler.ts` to `assets/lambda/<front end>/handler/index.js`,
 * for the Node.js version its runtime runs.
 */
function addHandlerBundle(frontEnd: string, target: string): void {
  project.bundler.addBundle(`lambda/${frontEnd}/handler.ts`, {
    platform: 'node',
    target,
    externals: [],
    minify: true,
    sourcemap: false,
    // The metafile (for bundle analysis) is written beside the asset directory, not in it
    // (see esbuildArgs): files in assets/lambda/<front end>/handler/ are the Lambda's code and its asset hash.
    metafile: false,
    // ES modules first: they tree-shake, and one copy of each package is bundled
    // instead of both its CommonJS and ES builds.
    mainFields: ['module', 'main'],
    tsconfigPath: 'lambda/tsconfig.json',
    logLevel: javascript.BundleLogLevel.WARNING,
    esbuildArgs: {
      '--log-override:unsupported-dynamic-import': 'error',
      '--log-override:unsupported-require-call': 'error',
      '--log-override:indirect-require': 'error',
      '--legal-comments': 'none',
      '--metafile': `assets/lambda/${frontEnd}/handler.meta.json`,
      // Lambda passes credentials in environment variables: see lambda/aws/lambda-credentials.ts.
      '--alias:@aws-sdk/credential-provider-node': './lambda/aws/lambda-credentials.ts',
    },
  });
}

// Lambda's Node.js 22 runtime runs the custom resource's functions (src/engines/custom-resource/).
addHandlerBundle('custom-resource', 'node22');
// The registry type's handler, which MpaTeamAssociationType zips at synth into the package
// CloudFormation registers (src/engines/registry-type/type-package.ts). Node.js 20 syntax:
// nodejs20.x is the runtime the registry is known to accept (the CloudFormation CLI's TypeScript
// plugin generates it).
addHandlerBundle('registry-type', 'node20');

// The handler is not compiled by jsii: type-check it on its own.
const typecheckLambda = project.addTask('typecheck:lambda', {
  description: 'Type-check the custom-resource handler sources',
  exec: 'tsc --noEmit -p lambda/tsconfig.json',
});
project.preCompileTask.spawn(typecheckLambda);

// Tests load the bundled handler asset (construct tests synthesize it): build it first.
project.testTask.prependSpawn(project.bundler.bundleTask);
// The packaging tests pack lib/ and .jsii, which only jsii writes: compile before jest.
project.testTask.prependSpawn(project.compileTask);

// ---------------------------------------------------------------------------
// Code examples: the README's and the API docs' examples must compile and
// translate to every jsii language (rosetta/default.ts-fixture wraps them).
// ---------------------------------------------------------------------------
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile and translate the README and API doc examples with jsii-rosetta (strict: any failure fails)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);

// ---------------------------------------------------------------------------
// Integration test (test/integ.*.ts). integ-runner's embedded toolkit reads cloud
// assembly schema 53 at most; aws-cdk-lib writes a newer one, so the app command
// relabels the assembly after synth: see test/integ.cloud-assembly-compat.js.
// MPA_TEAM_ARN is cleared so that the snapshot always names the placeholder team.
// ---------------------------------------------------------------------------
const INTEG_RUNNER = 'integ-runner --directory test --language typescript '
  + '--app "node -r ts-node/register/transpile-only {filePath} && node test/integ.cloud-assembly-compat.js"';
const integSnapshot = project.addTask('integ:snapshot', {
  description: 'Synthesize the integration tests and fail if they differ from their committed snapshots (no AWS account)',
  env: { MPA_TEAM_ARN: '' },
  exec: INTEG_RUNNER,
});
project.addTask('integ:snapshot:update', {
  description: 'Rewrite the integration test snapshots without deploying (integ-runner --dry-run); review the diff',
  env: { MPA_TEAM_ARN: '' },
  exec: `${INTEG_RUNNER} --update-on-failed --dry-run --parallel-regions us-east-1`,
});

// jest transpiles the tests without type-checking them (isolatedModules): check the
// tests, the demo and the integration test app they import, and the example app.
const typecheckTest = project.addTask('typecheck:test', {
  description: 'Type-check the tests, the demo, the integration test app and the example app',
  steps: [
    { exec: 'tsc --noEmit -p test/tsconfig.json' },
    { exec: 'tsc --noEmit -p examples/tsconfig.json' },
  ],
});

project.testTask.spawn(typecheckTest);
project.testTask.spawn(integSnapshot);
project.testTask.spawn(rosettaExtract);

// ---------------------------------------------------------------------------
// Mutation testing (docs/mutation-testing.md): how much of the handler's decision
// core, input parsing and error classification the fast unit suites pin down.
// Not part of `npm test` (it takes minutes); stryker.config.mjs fails the run
// below a 90% score.
// ---------------------------------------------------------------------------
project.addTask('mutation', {
  description: 'Mutation-test the handler\'s state table, input parsing and error classification (Stryker; fails below 90%)',
  exec: 'stryker run',
});
project.gitignore.addPatterns('/.stryker-tmp/', '/reports/');
project.npmignore?.exclude('/.stryker-tmp/', '/reports/', '/stryker.config.mjs');

// `npm run demo` is a newcomer's first command: its first screen must be the demo's own words.
// The script builds the handler bundle itself, silently, with the bundle task's esbuild command
// (demo/handler-bundle.ts), and the npm script runs it directly, because projen prints a line for
// every step it runs. `npx projen demo` runs the same command; both pass on `-- --raw-logs`.
const DEMO_COMMAND = 'node demo/start.js';
project.addTask('demo', {
  description: 'Run the lifecycle locally: a synthesized stack, the bundled handler, simulated CloudFormation and AWS, simulated time',
  steps: [{ exec: DEMO_COMMAND, receiveArgs: true }],
});
project.package.setScript('demo', DEMO_COMMAND);

project.addTask('bench', {
  description: 'Measure the handler asset, cold start, synth time and approval latency against baselines',
  steps: [
    { spawn: project.bundler.bundleTask.name },
    { exec: 'ts-node --project test/tsconfig.json bench/run-bench.ts' },
  ],
});

project.addTask('coverage', {
  description: 'Run the jest suite with V8 coverage and print its table (not part of npm test: it doubles the run time)',
  steps: [{ spawn: project.bundler.bundleTask.name }, { exec: 'jest --coverage --passWithNoTests' }],
});

project.npmignore?.exclude('/lambda/', '/demo/', '/bench/', '/examples/', '/.ci/', '/assets/**/*.json', 'cdk.out');
// registry-type/ (the type's schema and CloudFormation CLI settings) is shipped: MpaTeamAssociationType
// builds the registration package from it at synth.

project.synth();
