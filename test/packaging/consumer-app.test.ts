/**
 * A CDK app that installs the packed tarball synthesizes a stack with an
 * MpaTeamAssociation: the package is complete (compiled library and bundled
 * handler) and needs nothing but its peer dependencies. Offline: aws-cdk-lib and
 * constructs are linked from this repository's node_modules, as an app would
 * install them. The example app (examples/) runs there too, importing the package
 * by its name.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readZip } from '../construct-helpers/zip-reader';

const REPO_ROOT = path.join(__dirname, '..', '..');

const CONSUMER_APP = `
const fs = require('fs');
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const { MpaProtectedOperation, MpaTeamAssociation } = require('cdk-mpa-team-association');

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'ConsumerStack', { env: { account: '111122223333', region: 'us-east-1' } });
new MpaTeamAssociation(stack, 'RootCertificateImportApproval', {
  mpaTeamArn: 'arn:aws:mpa:us-east-1:111122223333:approval-team/consumer-team',
  action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
});
const assembly = app.synth();
const assetDirectories = fs.readdirSync(assembly.directory)
  .filter(name => name.startsWith('asset.'))
  .map(name => fs.readdirSync(path.join(assembly.directory, name)).sort());

// A second app, on the registry engine: a registration stack, and a stack that uses the type
// (in the same process: one more Node.js and aws-cdk-lib start would cost seconds of the test budget).
const { Duration } = require('aws-cdk-lib');
const { MpaTeamAssociationEngine, MpaTeamAssociationType } = require('cdk-mpa-team-association');
const registryApp = new App({ outdir: 'cdk.out.registry' });
const env = { account: '111122223333', region: 'eu-west-1' };
const type = new MpaTeamAssociationType(new Stack(registryApp, 'MpaTypeRegistration', { env }), 'MpaTeamAssociationType');
new MpaTeamAssociation(new Stack(registryApp, 'PaymentsKeys', { env }), 'RootCertificateImportApproval', {
  mpaTeamArn: 'arn:aws:mpa:us-east-1:111122223333:approval-team/consumer-team',
  engine: MpaTeamAssociationEngine.registryType(type),
  approvalTimeout: Duration.hours(20),
});
const registryAssembly = registryApp.synth();

process.stdout.write(JSON.stringify({
  template: assembly.getStackByName('ConsumerStack').template,
  assetDirectories,
  registry: {
    directory: registryAssembly.directory,
    registration: registryAssembly.getStackByName('MpaTypeRegistration').template,
    payments: registryAssembly.getStackByName('PaymentsKeys').template,
    dependencies: registryAssembly.getStackByName('PaymentsKeys').dependencies.map(d => d.id),
  },
}));
`;

/** What the consumer app printed (it runs once, for the tests that read it). */
let consumerOutput: any;
function consumerApp(): any {
  // Without aws-cdk-lib's template validation, which under this app's default flags only prints
  // (to stderr, not read here) and costs seconds of CPU; template-validation.test.ts runs it on
  // these stacks. The example app below keeps it, as errors (its cdk.json has the recommended flags).
  consumerOutput ??= JSON.parse(execFileSync(process.execPath, ['app.js'], {
    cwd: workDir, env: { ...process.env, CDK_VALIDATION: 'false' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  }));
  return consumerOutput;
}

const EXAMPLES = path.join(REPO_ROOT, 'examples');

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpa-consumer-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', workDir],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as [{ filename: string }];

  const installed = path.join(workDir, 'node_modules', 'cdk-mpa-team-association');
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(workDir, packed[0].filename), '-C', installed, '--strip-components=1']);
  for (const peer of ['aws-cdk-lib', 'constructs']) {
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', peer), path.join(workDir, 'node_modules', peer), 'dir');
  }
  fs.writeFileSync(path.join(workDir, 'app.js'), CONSUMER_APP);

  // The example app's sources, as a user's app holds them, with a user's tsconfig.
  fs.mkdirSync(path.join(workDir, 'example'));
  for (const file of fs.readdirSync(EXAMPLES).filter(name => name.endsWith('.ts'))) {
    fs.copyFileSync(path.join(EXAMPLES, file), path.join(workDir, 'example', file));
  }
  fs.writeFileSync(path.join(workDir, 'example', 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true },
  }));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('an app that installs the tarball synthesizes the association with the shipped handler', () => {
  const { template, assetDirectories } = consumerApp() as { template: any; assetDirectories: string[][] };

  const resources = Object.values<any>(template.Resources);
  const associations = resources.filter(r => r.Type === 'Custom::PaymentCryptographyMpaTeamAssociation');
  expect(associations).toHaveLength(1);
  expect(associations[0].Properties).toMatchObject({
    Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
    MpaTeamArn: 'arn:aws:mpa:us-east-1:111122223333:approval-team/consumer-team',
  });
  const handlers = resources.filter(r => r.Type === 'AWS::Lambda::Function' && /^index\.(onEvent|isComplete)$/.test(r.Properties.Handler));
  expect(handlers.map(r => r.Properties.Handler).sort()).toEqual(['index.isComplete', 'index.onEvent']);
  // The handler's asset is the shipped bundle alone (the Provider framework's own asset is the other).
  expect(assetDirectories).toContainEqual(['index.js']);
  expect(assetDirectories.flat().filter(file => file.endsWith('.json'))).toEqual([]);
});

test('the example app, importing the package by its name, synthesizes both stacks with the shipped handler', () => {
  const context = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'cdk.json'), 'utf8')).context;
  const outdir = path.join(workDir, 'example', 'cdk.out');
  execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), 'app.ts'], {
    cwd: path.join(workDir, 'example'),
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context), TS_NODE_PROJECT: 'tsconfig.json' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  expect(manifest.artifacts.PaymentsApprovalTeam.environment).toBe('aws://unknown-account/us-east-1');
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'PaymentsKeysApproval.template.json'), 'utf8'));
  const resources = Object.values<any>(template.Resources);
  expect(resources.filter(r => r.Type === 'Custom::PaymentCryptographyMpaTeamAssociation')).toHaveLength(1);
  const handlers = resources.filter(r => r.Type === 'AWS::Lambda::Function' && /^index\.(onEvent|isComplete)$/.test(r.Properties.Handler));
  expect(handlers).toHaveLength(2);
  for (const handler of handlers) {
    expect(handler.Properties.VpcConfig).toBeDefined();
  }
  // The function's code is the asset of that hash: the shipped bundle alone.
  const assetHash = String(handlers[0].Properties.Code.S3Key).replace(/\.zip$/, '');
  expect(fs.readdirSync(path.join(outdir, `asset.${assetHash}`))).toEqual(['index.js']);
});

test('an app that installs the tarball registers the type in one stack and uses it from another', () => {
  const { directory, registration, payments, dependencies } = consumerApp().registry;

  expect(Object.values<any>(payments.Resources).map(r => [r.Type, r.Properties.ApprovalTimeoutSeconds]))
    .toEqual([['CdkMpa::PaymentCryptography::MpaTeamAssociation', 72_000]]);
  expect(dependencies).toContain('MpaTypeRegistration');

  // The registered package is the asset the CLI uploads: the installed package's schema, settings and bundle.
  const [version] = Object.values<any>(registration.Resources).filter(r => r.Type === 'AWS::CloudFormation::ResourceVersion');
  const key = String(version.Properties.SchemaHandlerPackage).split('/').pop();
  const entries = readZip(fs.readFileSync(path.resolve(workDir, directory, `asset.${key}`)));
  expect(entries.map(e => e.name)).toEqual(['.rpdk-config', 'schema.json', 'ResourceProvider.zip']);
  const installed = path.join(workDir, 'node_modules', 'cdk-mpa-team-association');
  const [handler] = readZip(entries[2].data);
  expect(handler.data.equals(fs.readFileSync(path.join(installed, 'assets', 'lambda', 'registry-type', 'handler', 'index.js')))).toBe(true);
});
