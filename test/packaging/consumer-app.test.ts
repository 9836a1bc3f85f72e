/**
 * A CDK app that installs the packed tarball synthesizes a stack with an
 * MpaTeamAssociation: the package is complete (compiled library and bundled
 * handler) and needs nothing but its peer dependencies. Offline: aws-cdk-lib and
 * constructs are linked from this repository's node_modules, as an app would
 * install them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
process.stdout.write(JSON.stringify({ template: assembly.getStackByName('ConsumerStack').template, assetDirectories }));
`;

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
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('an app that installs the tarball synthesizes the association with the shipped handler', () => {
  const output = execFileSync(process.execPath, ['app.js'], { cwd: workDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const { template, assetDirectories } = JSON.parse(output) as { template: any; assetDirectories: string[][] };

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
