import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { MpaApprovalTeamChangeAlarm, MpaTeamAssociation, MpaTeamAssociationChangeAlarm, MpaTeamAssociationEngine, MpaTeamAssociationType } from '../../src';
import { deploymentWithoutVpc, privateDeployment } from '../construct-helpers/deployments';
import { associationOnType, registrationStack } from '../construct-helpers/registry-engine';
import { newApp, newApprovalTeam, newStack, NewStackOptions, STACK_ENV, TEAM_ARN } from '../construct-helpers/stacks';

/*
 * aws-cdk-lib validates every template it synthesizes against CloudFormation's resource schemas
 * and rules (its built-in CloudFormation Validate plugin). A new app's recommended flags make its
 * findings errors that fail the synth; without them they are printed. Every kind of stack the
 * construct tests build passes it with no finding at all, error or warning. The other construct
 * tests synthesize without it (test/construct-helpers/stacks.ts, `templateValidation`): it costs
 * seconds of CPU per test file.
 */

const validated: NewStackOptions = { templateValidation: true, recommendedFlags: true };

interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity: string;
  readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
}

/** What the built-in validation found when the app of `stack` synthesized (it throws on errors under the recommended flags). */
function validationFindings(stack: Stack): string[] {
  const assembly = Stage.of(stack)!.synth({ force: true });
  const report = path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE);
  if (!fs.existsSync(report)) {
    throw new Error(`no ${cxapi.VALIDATION_REPORT_FILE}: the app did not run its template validation`);
  }
  const { pluginReports } = JSON.parse(fs.readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations: Violation[] }> };
  return pluginReports.flatMap(plugin => plugin.violations.flatMap(violation => violation.violatingConstructs.map(where =>
    `${violation.severity} ${violation.ruleName} ${where.constructPath}: ${violation.description}`)));
}

function association(options: NewStackOptions, build: (stack: Stack) => void = stack => {
  new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });
}): Stack {
  const stack = newStack({ ...validated, ...options });
  build(stack);
  return stack;
}

const alarmTopic = (stack: Stack) => new targets.SnsTopic(new sns.Topic(stack, 'Alarms', {
  masterKey: new kms.Key(stack, 'AlarmTopicKey', { enableKeyRotation: true }),
  enforceSSL: true,
}));

test.each<[string, () => Stack]>([
  ['one association with only the team, default flags', () => association({ recommendedFlags: false })],
  ['one association with only the team, recommended flags', () => association({})],
  ['one association in a VPC with a log key', () => association({}, stack => {
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN, vpc: new ec2.Vpc(stack, 'Vpc'), logEncryptionKey: new kms.Key(stack, 'LogKey'),
    });
  })],
  ['the rule packs\' three associations in isolated subnets with a log key', () => privateDeployment({ templateValidation: true }).stack],
  ['the rule packs\' three associations with a log key and no VPC', () => deploymentWithoutVpc({ templateValidation: true }).stack],
  ['an association with its change alarm', () => association({}, stack => {
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, changeAlarm: { target: alarmTopic(stack) } });
  })],
  ['a standalone association change alarm', () => association({}, stack => {
    new MpaTeamAssociationChangeAlarm(stack, 'Changes', { target: alarmTopic(stack) });
  })],
  ['an approval team declared in the stack, its change alarm, and an association of it (us-east-1)', () => {
    const stack = new Stack(newApp(validated), 'TeamStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const team = newApprovalTeam(stack);
    new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', { mpaTeamArn: team.attrArn, target: alarmTopic(stack) });
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: team.attrArn });
    return stack;
  }],
  ['the registry type\'s registration stack, with a log key', () => {
    const stack = newStack({ ...validated, id: 'MpaTypeRegistration' });
    new MpaTeamAssociationType(stack, 'MpaTeamAssociationType', { logEncryptionKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }) });
    return stack;
  }],
  ['a stack with an association on the registry type', () => associationOnType({}, {}, validated).stack],
  ['a stack with an association on the registry type and its change alarm', () => {
    const { stack: registration, type } = registrationStack({}, validated);
    const stack = new Stack(registration.node.scope!, 'Payments', { env: STACK_ENV });
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type), changeAlarm: { target: alarmTopic(stack) },
    });
    return stack;
  }],
])('%s: aws-cdk-lib\'s template validation finds nothing', (_case, build) => {
  expect(validationFindings(build())).toEqual([]);
});

test('the check sees a finding: a property CloudFormation does not know is an error under the recommended flags and reported without them', () => {
  const withUnknownProperty = (options: NewStackOptions) => association(options, stack => {
    new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic', properties: { DisplayName: 'alarms', Colour: 'red' } });
  });

  expect(() => validationFindings(withUnknownProperty({}))).toThrow(/ERROR Colour: Additional properties are not allowed/);
  // Without the flag, aws-cdk-lib prints the findings on stderr: kept here rather than among jest's results.
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(validationFindings(withUnknownProperty({ recommendedFlags: false }))).toEqual([
      expect.stringMatching(/^warning F3002 TestStack\/Topic: Colour: Additional properties are not allowed/),
    ]);
    expect(printed.mock.calls.map(args => args.join(' ')).join('\n')).toMatch(/WARNING Colour: Additional properties are not allowed/);
  } finally {
    printed.mockRestore();
  }
});
